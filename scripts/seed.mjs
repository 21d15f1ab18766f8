#!/usr/bin/env node
// `npm run seed`: seeds the demo workspace on an already running local Worker (npm start does this
// itself) and prints the logins. WORKTRAIL_URL or PORT select the server; default localhost:8787.
import { formatLogins, seedDemo } from "./lib/demo-logins.mjs";

const baseUrl = (process.env.WORKTRAIL_URL ?? `http://localhost:${process.env.PORT ?? 8787}`).replace(/\/+$/, "");

try {
  console.log(formatLogins(await seedDemo(baseUrl), baseUrl));
} catch (err) {
  const refused = err?.cause?.code === "ECONNREFUSED";
  console.error(refused ? `Nothing answers at ${baseUrl}. Start the app with npm start first.` : `✖ ${err.message}`);
  process.exitCode = 1;
}

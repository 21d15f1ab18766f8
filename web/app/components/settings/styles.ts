import type { LinksFunction } from "@remix-run/cloudflare";
import href from "./settings.css?url";

/** The stylesheet of the settings and devices pages, as a route `links` export (a same-origin file, allowed by the CSP). */
export const settingsLinks: LinksFunction = () => [{ rel: "stylesheet", href }];

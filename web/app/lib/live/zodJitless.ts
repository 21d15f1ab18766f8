/**
 * The board validates every frame with the contract's zod schemas in the browser. zod compiles
 * object parsers with `new Function` when it may, and probes for that when a schema is built; under
 * our CSP (no 'unsafe-eval') the probe is blocked and reported as a violation even though zod
 * recovers. jitless skips the probe. It must run before the contract's schemas are constructed, so
 * the live route imports this module first. (In the Worker zod never compiles anyway.)
 */
import { config } from "zod";

config({ jitless: true });

/**
 * System-wide input idle time on X11 from `xprintidle` (the XScreenSaver extension's idle counter,
 * in milliseconds). Only "how long since any input" exists here: no key, no position, no content.
 */
import type { IdleCollector } from "../ports";
import { CollectorError } from "./errors";
import type { X11Display } from "./x11Display";

export class X11IdleCollector implements IdleCollector {
  constructor(private readonly x: X11Display) {}

  /** Seconds since the last input, with millisecond precision (0.25 = input a quarter second ago). */
  async idleSeconds(): Promise<number> {
    const out = (await this.x.run("xprintidle", [])).toString("utf8").trim();
    if (!/^\d+$/.test(out)) throw new CollectorError("bad_output", "xprintidle", `xprintidle printed ${JSON.stringify(out.slice(0, 80))}, not milliseconds`);
    return Number(out) / 1000;
  }
}

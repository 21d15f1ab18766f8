import { describe } from "vitest";
import { defineMatrix } from "../helpers/matrix";
import { trackingCases } from "./tracking-cases";

describe("role matrix: tracking settings, rules, devices", () => defineMatrix(trackingCases));

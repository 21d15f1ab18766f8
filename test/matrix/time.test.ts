import { describe } from "vitest";
import { defineMatrix } from "../helpers/matrix";
import { timeCases } from "./time-cases";

describe("role matrix: timer, time entries, approvals, timesheets", () => defineMatrix(timeCases));

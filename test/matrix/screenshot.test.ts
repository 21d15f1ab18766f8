import { describe } from "vitest";
import { defineMatrix } from "../helpers/matrix";
import { screenshotCases } from "./screenshot-cases";

describe("role matrix: screenshots", () => defineMatrix(screenshotCases));

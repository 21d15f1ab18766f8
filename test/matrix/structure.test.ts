import { describe } from "vitest";
import { defineMatrix } from "../helpers/matrix";
import { matrixCases } from "./structure-cases";

describe("role matrix: teams, clients, projects, project members, tasks", () => defineMatrix(matrixCases));

import { describe } from "vitest";
import { defineMatrix } from "../helpers/matrix";
import { workspaceCases } from "./workspace-cases";

describe("role matrix: workspace, members, invitations, audit", () => defineMatrix(workspaceCases));

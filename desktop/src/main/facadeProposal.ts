/**
 * The shell's view of the agent. The additions first proposed here (projects, permissions,
 * systemEvent, flush, close) are now part of AgentFacade (desktop/src/core/facade.ts).
 */
export type { AgentPermissions, ProjectChoice } from "../core/facade";
import type { AgentFacade } from "../core/facade";

export type DesktopAgent = AgentFacade;

import type { Role } from "../db/schema";

/** Who is asking, inside which workspace. Built once per request by the auth middleware / web guard. */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  sessionId: string;
  amr: string[];
  member: { id: string; role: Role; displayName: string; timeZone: string };
  workspace: {
    id: string;
    name: string;
    require2fa: boolean;
    managersSeeScreenshots: boolean;
    managersSeeApps: boolean;
  };
}

/** A signed-in person, outside any workspace (account pages, workspace list). */
export interface Principal {
  userId: string;
  email: string;
  name: string;
  sessionId: string;
  amr: string[];
  emailVerified: boolean;
  totpEnabled: boolean;
}

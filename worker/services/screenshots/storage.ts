/**
 * Where screenshot envelopes live in R2 and how the Worker reaches the workspace's object. Keys are
 * derived by the server from ids it trusts (the workspace and member of the device token, the shot
 * id it validated) and never taken from the client, so an upload cannot land anywhere else.
 */
import type { Env } from "../../env";
import type { WorkspaceObject } from "../../workspace/WorkspaceObject";

export type WorkspaceStub = DurableObjectStub<WorkspaceObject>;

export const workspaceStub = (env: Pick<Env, "WORKSPACE">, workspaceId: string): WorkspaceStub =>
  env.WORKSPACE.get(env.WORKSPACE.idFromName(workspaceId)) as WorkspaceStub;

/** `ws/<ws>/m/<member>/<yyyy-mm-dd (UTC of takenAt)>/<shotId>` and the same with `.thumb`. */
export function screenshotKeys(workspaceId: string, memberId: string, takenAtMs: number, shotId: string): { full: string; thumb: string } {
  const day = new Date(takenAtMs).toISOString().slice(0, 10);
  const full = `ws/${workspaceId}/m/${memberId}/${day}/${shotId}`;
  return { full, thumb: `${full}.thumb` };
}

/** R2 deletes at most 1,000 keys per call. */
const R2_DELETE_BATCH = 1000;

export async function deleteObjects(bucket: R2Bucket, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += R2_DELETE_BATCH) await bucket.delete(keys.slice(i, i + R2_DELETE_BATCH));
}

/** Every object of a workspace (workspace deletion: the key row goes by cascade, the ciphertext goes here). */
export async function deleteWorkspaceObjects(bucket: R2Bucket, workspaceId: string): Promise<void> {
  const prefix = `ws/${workspaceId}/`;
  // Listed objects are deleted before the next listing, so each listing starts from the beginning.
  for (;;) {
    const page = await bucket.list({ prefix, limit: R2_DELETE_BATCH });
    await deleteObjects(bucket, page.objects.map((o) => o.key));
    if (!page.truncated) return;
  }
}

/**
 * closeLiveSessions: the sockets a revoked session opened close at once with 4401 (signedOut);
 * the same viewer's sockets of other sessions, and everybody else's, keep receiving.
 */
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { LIVE_CLOSE } from "../../worker/contract/live";
import { newId } from "../../worker/db/ids";
import type { WorkspaceObject } from "../../worker/workspace/WorkspaceObject";
import { ALICE, CAROL, closeAll, connect, deltaOf, freshObject, heartbeat, MANAGER, ownerScope, snapshotOf, type Viewer } from "./support";

afterEach(closeAll);

/** Whether the socket is still open after a moment (a close would have arrived by then). */
async function stillOpen(v: Viewer): Promise<boolean> {
  const closed = await Promise.race([v.closed.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 150))]);
  return !closed;
}

describe("closeLiveSessions", () => {
  it("closes exactly the revoked session's sockets with 4401; the viewer's other session keeps receiving", async () => {
    const stub = freshObject();
    const revoked = newId();
    const kept = newId();
    const tabs = [await connect(stub, ownerScope(MANAGER), { sessionId: revoked }), await connect(stub, ownerScope(MANAGER), { sessionId: revoked })];
    const other = await connect(stub, ownerScope(MANAGER), { sessionId: kept });
    const carol = await connect(stub, ownerScope(CAROL));
    for (const v of [...tabs, other, carol]) await snapshotOf(v);

    expect(await stub.closeLiveSessions([revoked])).toBe(2);
    for (const v of tabs) expect(await v.closed).toBe(LIVE_CLOSE.signedOut);
    expect(await stillOpen(other)).toBe(true);
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE }));
    for (const v of [other, carol]) expect((await deltaOf(v)).upsert[0]!.memberId).toBe(ALICE);
    expect(await stub.liveViewers()).toEqual([MANAGER, CAROL].sort());
    // Again, or a session with no socket here: nothing to close.
    expect(await stub.closeLiveSessions([revoked, newId()])).toBe(0);
    await other.none();
  });

  it("finds the sockets by their tag after the object hibernated", async () => {
    const stub = freshObject();
    const sid = newId();
    const v = await connect(stub, ownerScope(MANAGER), { sessionId: sid });
    await snapshotOf(v);
    await evictDurableObject(stub);
    expect(await stub.closeLiveSessions([sid])).toBe(1);
    expect(await v.closed).toBe(LIVE_CLOSE.signedOut);
  });

  it("refuses ids that are not session ids, and closes nothing", async () => {
    const stub = freshObject();
    const sid = newId();
    const v = await connect(stub, ownerScope(MANAGER), { sessionId: sid });
    await snapshotOf(v);
    for (const bad of [[sid, "viewer:x"], [`${sid}-extra`], Array.from({ length: 1001 }, () => sid)]) {
      const outcome = await runInDurableObject(stub, async (o: WorkspaceObject) => {
        try {
          await o.closeLiveSessions(bad);
          return "accepted";
        } catch (err) {
          return err instanceof Error ? err.name : "thrown";
        }
      });
      expect(outcome).toBe("ZodError");
    }
    expect(await stillOpen(v)).toBe(true);
  });
});

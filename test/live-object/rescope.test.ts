/**
 * What the Worker does to open sockets when roles and staffing change (liveViewers, rescopeLive),
 * and what survives the object being torn down: rows in SQLite, sockets through hibernation (their
 * scope found again from the attachment's key), scope rows cleaned up when unused.
 */
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { LIVE_CLOSE } from "../../worker/contract/live";
import { newId } from "../../worker/db/ids";
import type { WorkspaceObject } from "../../worker/workspace/WorkspaceObject";
import {
  ALICE, ALL, BOB, CAROL, closeAll, connect, deltaOf, freshObject, heartbeat, ingest, MANAGER, members, middayZone, MIN, ownerScope,
  PROJECT_A, PROJECT_B, projects, scope, snapshotOf, entry, HOUR, type Stub,
} from "./support";

afterEach(closeAll);

async function scopeRows(stub: Stub): Promise<number> {
  return runInDurableObject(stub, (_o: WorkspaceObject, state) => Number(state.storage.sql.exec("select count(*) as n from live_scopes").one().n));
}

const onA = () => ({ id: "e-a", startMs: Date.now() - 5 * MIN, projectId: PROJECT_A, taskId: null });
const onB = () => ({ id: "e-b", startMs: Date.now() - 5 * MIN, projectId: PROJECT_B, taskId: null });

describe("liveViewers and rescopeLive", () => {
  it("lists each viewer with open sockets once", async () => {
    const stub = freshObject();
    expect(await stub.liveViewers()).toEqual([]);
    await connect(stub, ownerScope(MANAGER));
    await connect(stub, ownerScope(MANAGER));
    const carol = await connect(stub, scope(CAROL, members(CAROL)));
    expect(await stub.liveViewers()).toEqual([MANAGER, CAROL].sort());
    carol.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(await stub.liveViewers()).toEqual([MANAGER]);
  });

  it("a changed scope replaces the old one on every socket of the viewer with a fresh snapshot; later deltas follow it", async () => {
    const stub = freshObject();
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, entry: onA() }));
    await stub.recordHeartbeat(heartbeat({ memberId: BOB, entry: onB() }));
    const tabs = [await connect(stub, scope(MANAGER, projects(PROJECT_A))), await connect(stub, scope(MANAGER, projects(PROJECT_A)))];
    const other = await connect(stub, scope(CAROL, projects(PROJECT_A)));
    for (const v of [...tabs, other]) expect((await snapshotOf(v)).members.map((m) => m.memberId)).toEqual([ALICE]);

    // The manager now manages project B instead, and may see apps there.
    await stub.rescopeLive([{ viewerMemberId: MANAGER, scope: scope(MANAGER, projects(PROJECT_B), { apps: projects(PROJECT_B) }) }], Date.now());
    for (const v of tabs) {
      const snap = await snapshotOf(v);
      expect(snap.members.map((m) => m.memberId)).toEqual([BOB]);
      expect(snap.members[0]!.app).toBeNull();
    }
    await other.none();
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, state: "idle" }));
    await tabs[0]!.none();
    expect((await deltaOf(other)).upsert[0]).toMatchObject({ memberId: ALICE, status: "idle" });
    await stub.recordHeartbeat(heartbeat({ memberId: BOB, app: { name: "Code", title: null, url: null } }));
    for (const v of tabs) expect((await deltaOf(v)).upsert[0]).toMatchObject({ memberId: BOB, app: { name: "Code" } });

    // The same scope again: nothing is resent.
    await stub.rescopeLive([{ viewerMemberId: MANAGER, scope: scope(MANAGER, projects(PROJECT_B), { apps: projects(PROJECT_B) }) }], Date.now());
    await tabs[0]!.none();
    // The old scope's row went with its last socket; two scopes are in use.
    expect(await scopeRows(stub)).toBe(2);
  });

  it("null closes that viewer's sockets with 4403; others keep receiving", async () => {
    const stub = freshObject();
    const gone = await connect(stub, ownerScope(MANAGER));
    const stays = await connect(stub, ownerScope(CAROL));
    await snapshotOf(gone);
    await snapshotOf(stays);
    await stub.rescopeLive([{ viewerMemberId: MANAGER, scope: null }, { viewerMemberId: "nobody-connected", scope: null }], Date.now());
    expect(await gone.closed).toBe(LIVE_CLOSE.accessRevoked);
    expect(await stub.liveViewers()).toEqual([CAROL]);
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE }));
    expect((await deltaOf(stays)).upsert[0]!.memberId).toBe(ALICE);
  });

  it("refuses a scope that belongs to another viewer, and changes nothing", async () => {
    const stub = freshObject();
    const v = await connect(stub, scope(MANAGER, members(MANAGER)));
    await snapshotOf(v);
    const outcome = await runInDurableObject(stub, async (o: WorkspaceObject) => {
      try {
        await o.rescopeLive([{ viewerMemberId: MANAGER, scope: ownerScope(CAROL) }], Date.now());
        return "accepted";
      } catch (err) {
        return err instanceof Error ? err.name : "thrown";
      }
    });
    expect(outcome).toBe("ZodError");
    await v.none();
  });

  it("scopes with long member lists live in the table, not in the socket attachment", async () => {
    const stub = freshObject();
    const many = Array.from({ length: 2000 }, () => newId());
    const v = await connect(stub, scope(MANAGER, { all: false, memberIds: [...many, ALICE], projectIds: [] }, { activity: { all: false, memberIds: many, projectIds: [] } }));
    await snapshotOf(v);
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE }));
    expect((await deltaOf(v)).upsert[0]!.memberId).toBe(ALICE);
    await stub.rescopeLive([{ viewerMemberId: MANAGER, scope: scope(MANAGER, { all: false, memberIds: many, projectIds: [PROJECT_A] }) }], Date.now());
    expect((await snapshotOf(v)).members).toEqual([]);
    expect(await scopeRows(stub)).toBe(1);
    v.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(await scopeRows(stub)).toBe(0);
  });
});

describe("surviving a new instance", () => {
  it("rows are reloaded from SQLite", async () => {
    const stub = freshObject();
    const tz = middayZone();
    const T = Date.now();
    await ingest(stub, ALICE, tz, [entry(T - 2 * HOUR, T - HOUR)], T);
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, receivedAt: T, timeZone: tz, entry: onA(), app: { name: "Code", title: "a", url: null } }));
    const before = await stub.liveBoard(ownerScope());
    await evictDurableObject(stub);
    const after = await stub.liveBoard(ownerScope());
    expect(after).toEqual(before);
    expect(after[0]).toMatchObject({ status: "tracking", todaySeconds: 3600, app: { name: "Code", title: "a", url: null } });
  });

  it("hibernated sockets keep their scope and receive deltas from the new instance (new epoch)", async () => {
    const stub = freshObject();
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, entry: onA() }));
    await stub.recordHeartbeat(heartbeat({ memberId: BOB, entry: onB() }));
    const pm = await connect(stub, scope(MANAGER, projects(PROJECT_A)));
    const owner = await connect(stub, scope(CAROL, ALL, { activity: ALL }));
    const first = await snapshotOf(pm);
    await snapshotOf(owner);
    await evictDurableObject(stub);

    await stub.recordHeartbeat(heartbeat({ memberId: BOB, state: "idle" }));
    const d = await deltaOf(owner);
    expect(d.upsert[0]).toMatchObject({ memberId: BOB, status: "idle", activityPercent: null });
    expect(d.epoch).not.toBe(first.epoch);
    await pm.none();
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, state: "idle" }));
    const a = await deltaOf(pm);
    expect(a.upsert[0]).toMatchObject({ memberId: ALICE, status: "idle" });
    expect("activityPercent" in a.upsert[0]!).toBe(false);
    expect(await stub.liveViewers()).toEqual([MANAGER, CAROL].sort());
    // A resync after the wake answers from the new instance.
    pm.ws.send(JSON.stringify({ type: "resync" }));
    expect((await snapshotOf(pm)).epoch).toBe(a.epoch);
  });
});

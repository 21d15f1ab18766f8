/**
 * Rescope ordering (live/versions.ts): every scope carries the Worker's clock when it started
 * resolving. Two refreshes reaching the object in the wrong order must leave the newer scope, and
 * an upgrade whose scope was resolved before a rescope the object already received must not keep
 * that older scope: it is refused (409 live_scope_stale) and the Worker resolves again.
 */
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { LiveScope } from "../../worker/contract/live";
import type { WorkspaceObject } from "../../worker/workspace/WorkspaceObject";
import {
  ALICE, BOB, closeAll, connect, deltaOf, freshObject, heartbeat, MANAGER, MIN, openUpgrade, PROJECT_A, PROJECT_B, projects, scope,
  snapshotOf, type Frame, type Stub,
} from "./support";

afterEach(closeAll);

const onA = () => ({ id: "e-a", startMs: Date.now() - 5 * MIN, projectId: PROJECT_A, taskId: null });
const onB = () => ({ id: "e-b", startMs: Date.now() - 5 * MIN, projectId: PROJECT_B, taskId: null });
const ids = (f: Frame) => (f.type === "snapshot" ? f.members.map((m) => m.memberId).sort() : []);

/** ALICE on project A, BOB on project B. */
async function board(): Promise<Stub> {
  const stub = freshObject();
  await stub.recordHeartbeat(heartbeat({ memberId: ALICE, entry: onA() }));
  await stub.recordHeartbeat(heartbeat({ memberId: BOB, entry: onB() }));
  return stub;
}

const onlyA = scope(MANAGER, projects(PROJECT_A));
const onlyB = scope(MANAGER, projects(PROJECT_B));
const both = scope(MANAGER, projects(PROJECT_A, PROJECT_B));
const update = (s: LiveScope | null) => [{ viewerMemberId: MANAGER, scope: s }];

describe("two refreshes", () => {
  it("in order: each is applied, the later one last", async () => {
    const stub = await board();
    const T = Date.now();
    const v = await connect(stub, onlyA, { resolvedAt: T });
    expect(ids(await snapshotOf(v))).toEqual([ALICE]);
    await stub.rescopeLive(update(both), T + 10);
    expect(ids(await snapshotOf(v))).toEqual([ALICE, BOB].sort());
    await stub.rescopeLive(update(onlyB), T + 20);
    expect(ids(await snapshotOf(v))).toEqual([BOB]);
  });

  it("out of order: the older one arriving last is ignored, and deltas follow the newer scope", async () => {
    const stub = await board();
    const T = Date.now();
    const v = await connect(stub, onlyA, { resolvedAt: T });
    await snapshotOf(v);
    await stub.rescopeLive(update(onlyB), T + 20);
    expect(ids(await snapshotOf(v))).toEqual([BOB]);
    await stub.rescopeLive(update(both), T + 10);
    await v.none();
    // A revocation resolved before the newer scope does not close the socket either.
    await stub.rescopeLive(update(null), T + 15);
    await v.none();
    expect(await stub.liveViewers()).toEqual([MANAGER]);
    // Still scoped to project B: Alice's change sends nothing, Bob's does.
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, state: "idle" }));
    await v.none();
    await stub.recordHeartbeat(heartbeat({ memberId: BOB, state: "idle" }));
    expect((await deltaOf(v)).upsert.map((m) => m.memberId)).toEqual([BOB]);
  });

  it("a rescope older than a socket's own scope leaves that socket alone, also after hibernation", async () => {
    const stub = await board();
    const T = Date.now();
    const early = await connect(stub, onlyA, { resolvedAt: T });
    const late = await connect(stub, onlyB, { resolvedAt: T + 30 });
    await snapshotOf(early);
    await snapshotOf(late);
    await evictDurableObject(stub);
    // Resolved at T + 20: newer than `early`'s scope, older than `late`'s (which was opened after it).
    await stub.rescopeLive(update(both), T + 20);
    expect(ids(await snapshotOf(early))).toEqual([ALICE, BOB].sort());
    await late.none();
    await stub.recordHeartbeat(heartbeat({ memberId: ALICE, state: "idle" }));
    expect((await deltaOf(early)).upsert.map((m) => m.memberId)).toEqual([ALICE]);
    await late.none();
  });

  it("refuses a version that is not a non-negative integer, and changes nothing", async () => {
    const stub = await board();
    const v = await connect(stub, onlyA);
    await snapshotOf(v);
    for (const bad of [-1, 1.5, Number.NaN]) {
      const outcome = await runInDurableObject(stub, async (o: WorkspaceObject) => {
        try {
          await o.rescopeLive(update(onlyB), bad);
          return "accepted";
        } catch (err) {
          return err instanceof Error ? err.name : "thrown";
        }
      });
      expect(outcome).toBe("ZodError");
    }
    await v.none();
  });
});

describe("an upgrade racing a rescope", () => {
  it("resolved before a rescope the object already applied: refused with 409, accepted once resolved again", async () => {
    const stub = await board();
    const T = Date.now();
    const tab = await connect(stub, onlyA, { resolvedAt: T });
    await snapshotOf(tab);
    await stub.rescopeLive(update(onlyB), T + 20);
    await snapshotOf(tab);

    const stale = await openUpgrade(stub, onlyA, { resolvedAt: T + 10 });
    expect(stale.status).toBe(409);
    expect(stale.headers.get("content-type")).toBe("application/problem+json");
    expect(await stale.json()).toMatchObject({ status: 409, code: "live_scope_stale" });
    // Resolved again (at or after the rescope's start): the new tab opens with the current scope.
    const again = await connect(stub, onlyB, { resolvedAt: T + 20 });
    expect(ids(await snapshotOf(again))).toEqual([BOB]);
  });

  it("arriving before the rescope: accepted, then the rescope replaces its scope", async () => {
    const stub = await board();
    const T = Date.now();
    const tab = await connect(stub, onlyA, { resolvedAt: T + 10 });
    expect(ids(await snapshotOf(tab))).toEqual([ALICE]);
    expect(await stub.liveViewers(T + 20)).toEqual([MANAGER]);
    await stub.rescopeLive(update(onlyB), T + 20);
    expect(ids(await snapshotOf(tab))).toEqual([BOB]);
  });

  it("a viewer who had no socket when a refresh listed the viewers: an upgrade resolved before that refresh is refused", async () => {
    const stub = await board();
    const T = Date.now();
    // The refresh started at T + 20 and found no socket of the manager: it will not rescope them.
    expect(await stub.liveViewers(T + 20)).toEqual([]);
    const stale = await openUpgrade(stub, onlyA, { resolvedAt: T + 10 });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ code: "live_scope_stale" });
    expect(await stub.liveViewers()).toEqual([]);
    await snapshotOf(await connect(stub, onlyB, { resolvedAt: T + 20 }));
  });

  it("a revocation received while the viewer had no socket refuses an upgrade resolved before it", async () => {
    const stub = await board();
    const T = Date.now();
    await stub.rescopeLive(update(null), T + 20);
    expect((await openUpgrade(stub, onlyA, { resolvedAt: T + 10 })).status).toBe(409);
    // Other viewers are not affected.
    await snapshotOf(await connect(stub, scope(BOB, projects(PROJECT_B)), { resolvedAt: T + 10 }));
  });
});

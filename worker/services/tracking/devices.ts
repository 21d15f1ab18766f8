/**
 * Signed-in desktop agents: the devices page (a member sees their own; owners and executive
 * managers all of the workspace's) and revocation, which takes effect with the device's very next
 * request because every agent request re-checks the token's row (agentAuth.ts).
 */
import { and, desc, eq, isNull, lt, type SQL } from "drizzle-orm";
import type { Actor } from "../../authz/actor";
import { readScope, requireScope } from "../../authz/policy";
import { devicesWhere } from "../../authz/scope";
import { devices, members, type Role } from "../../db/schema";
import { UUID_RE } from "../../db/ids";
import { forbidden, notFound, validationFailed } from "../../http/problem";
import { appendAudit } from "../audit";
import type { ServiceContext } from "../context";
import { pageSize } from "../pagination";
import { DEVICE_IDLE_EXPIRY_MS } from "./agentAuth";

/** A device token's caller: the device, the member it acts for, and their workspace (agentAuth.ts). */
export interface DevicePrincipal {
  device: { id: string; name: string; os: string | null; agentVersion: string | null };
  member: { id: string; userId: string; role: Role; displayName: string; timeZone: string };
  workspace: { id: string; name: string };
}

const deviceColumns = {
  id: devices.id, memberId: devices.memberId, memberName: members.displayName, name: devices.name, os: devices.os,
  agentVersion: devices.agentVersion, createdAt: devices.createdAt, lastSeenAt: devices.lastSeenAt, lastIp: devices.lastIp,
  revokedAt: devices.revokedAt,
};
type DeviceRow = {
  id: string; memberId: string; memberName: string; name: string; os: string | null; agentVersion: string | null;
  createdAt: number; lastSeenAt: number | null; lastIp: string | null; revokedAt: number | null;
};
export type DeviceView = DeviceRow & {
  /** When the token stops working unless the device is heard from again (agentAuth.ts). */
  expiresAt: number;
};

const withExpiry = (d: DeviceRow): DeviceView => ({ ...d, expiresAt: (d.lastSeenAt ?? d.createdAt) + DEVICE_IDLE_EXPIRY_MS });

export interface DeviceListQuery {
  includeRevoked?: boolean;
  memberId?: string;
  /** nextCursor of the previous page (newest first). */
  cursor?: string;
  limit?: number;
}

export async function listDevices(ctx: ServiceContext, actor: Actor, q: DeviceListQuery): Promise<{ items: DeviceView[]; nextCursor: string | null }> {
  const scope = readScope(actor, "devices", "device");
  const size = pageSize(q.limit);
  if (q.cursor !== undefined && !UUID_RE.test(q.cursor)) {
    throw validationFailed([{ field: "cursor", code: "invalid_cursor", message: "Use nextCursor from the previous page." }]);
  }
  const where: (SQL | undefined)[] = [
    devicesWhere(actor, scope),
    q.includeRevoked ? undefined : isNull(devices.revokedAt),
    q.memberId ? eq(devices.memberId, q.memberId) : undefined,
    // Ids are UUIDv7, so id order is registration order.
    q.cursor ? lt(devices.id, q.cursor) : undefined,
  ];
  const rows = await ctx.db.select(deviceColumns).from(devices).innerJoin(members, eq(members.id, devices.memberId))
    .where(and(...where)).orderBy(desc(devices.id)).limit(size + 1);
  const items = rows.slice(0, size);
  return { items: items.map(withExpiry), nextCursor: rows.length > size ? items[items.length - 1]!.id : null };
}

async function visibleDevice(ctx: ServiceContext, actor: Actor, deviceId: string): Promise<DeviceRow> {
  if (!UUID_RE.test(deviceId)) throw notFound("device");
  const [d] = await ctx.db.select(deviceColumns).from(devices).innerJoin(members, eq(members.id, devices.memberId))
    .where(and(devicesWhere(actor), eq(devices.id, deviceId)));
  if (!d) throw notFound("device");
  return d;
}

/** Signs a device out for good. Revoking an already revoked device changes nothing (and audits nothing). */
export async function revokeDevice(ctx: ServiceContext, actor: Actor, deviceId: string): Promise<void> {
  const device = await visibleDevice(ctx, actor, deviceId);
  const scope = requireScope(actor, "devices", "delete");
  if (scope !== "all" && device.memberId !== actor.member.id) throw forbidden();
  if (device.revokedAt !== null) return;
  const revoked = await ctx.db.update(devices).set({ revokedAt: ctx.now() })
    .where(and(eq(devices.id, device.id), eq(devices.workspaceId, actor.workspace.id), isNull(devices.revokedAt)))
    .returning({ id: devices.id });
  if (!revoked.length) return; // revoked concurrently: that request audited it
  await appendAudit(ctx, {
    chain: actor.workspace.id, actorUserId: actor.userId, action: "device.revoked", targetType: "device", targetId: device.id,
    data: { memberId: device.memberId, name: device.name },
  });
}

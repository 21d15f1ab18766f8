// Signs in the benchmark's simulated agents the way real ones are signed in: a member logs in
// (POST /auth/login), asks for a one-time code (POST /workspaces/{ws}/devices/code) and the agent
// trades it for a device token (POST /agent/register).
//
// Device registration is throttled per client address (20 per 10 minutes). Real agents sit on
// different machines, so each simulated agent registers from its own address: miniflare keeps a
// CF-Connecting-IP header sent by the client (Cloudflare's edge would overwrite it), as the tests
// in test/tracking-d1 do.

/** POSTs JSON and returns the parsed body; throws with the status and body unless it is `expected`. */
export async function postJson(baseUrl, path, body, { token, headers = {}, expected = 200 } = {}) {
  const res = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (res.status !== expected) throw new Error(`POST ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** Access tokens of the seeded demo members whose role records time (every role but project viewer). */
export async function loginRecordingMembers(baseUrl, seed) {
  const recording = seed.logins.filter((l) => l.role !== "project_viewer");
  return Promise.all(recording.map(async (l) => {
    const body = await postJson(baseUrl, "/api/v1/auth/login", { email: l.email, password: seed.password });
    if (typeof body?.accessToken !== "string") throw new Error(`login of ${l.email} returned no accessToken`);
    return { email: l.email, role: l.role, token: body.accessToken };
  }));
}

const simulatedAddress = (i) => `10.77.${Math.floor(i / 250)}.${(i % 250) + 1}`;

/**
 * `count` device tokens, spread round-robin over the members. Sequential: a member's new code
 * deletes their spent ones, and sign-in is not what is being measured.
 */
export async function registerAgents(baseUrl, workspaceId, members, count) {
  const agents = [];
  for (let i = 0; i < count; i++) {
    const member = members[i % members.length];
    const { code } = await postJson(baseUrl, `/api/v1/workspaces/${workspaceId}/devices/code`, undefined, { token: member.token, expected: 201 });
    const device = { name: `bench-agent-${i}`, os: "Linux (benchmark)", agentVersion: "bench" };
    const reg = await postJson(baseUrl, "/api/v1/agent/register", { code, device }, { expected: 201, headers: { "cf-connecting-ip": simulatedAddress(i) } });
    // Agents of one member take turns through the time windows (batch.mjs), so they never overlap.
    agents.push({ index: i, window: Math.floor(i / members.length), member: member.email, deviceToken: reg.deviceToken });
  }
  return agents;
}

// The live board benchmark's people: the seeded workspace (bench/live-seed.ts), its agents signed
// in the real way (a member logs in, asks for a one-time code, the agent registers a device with
// it: lib/agents.mjs), and its viewers signed in through the web app's own login form (the board's
// socket takes the browser session cookies, never a Bearer token).
//
// Which sockets (the viewer plan): the sockets are split evenly over five classes of viewer, so
// every role is represented and every kind of scope is exercised:
//   all       the owner and the executives: every member;
//   team      the team managers: the members of their team;
//   project   the project managers: whoever is currently on their project;
//   viewer    the project viewers: the same, read-only (time only);
//   employee  tracking members looking at their own board: themselves only.
// A class's sockets are spread round-robin over its people; one person may hold up to 20 sockets
// (the object's limit per viewer), as a manager with several tabs and screens would.
import { postJson, registerAgents } from "./agents.mjs";

export const VIEWER_CLASSES = ["all", "team", "project", "viewer", "employee"];
/** The Workspace object refuses a viewer's 21st socket (worker/workspace/live/hub.ts). */
export const MAX_SOCKETS_PER_VIEWER = 20;

/** Runs fn over items with at most n in flight; resolves with the results in order. */
export async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }));
  return out;
}

export async function seedLiveWorkspace(baseUrl, shape) {
  return postJson(baseUrl, "/bench/live-seed", shape);
}

/**
 * Signs in through the web app's login form (POST /login, as the browser sends it, Origin
 * included) and returns the Cookie header a browser would then send: the two __Host- session cookies.
 */
export async function webLogin(baseUrl, email, password) {
  const res = await fetch(`${baseUrl}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: new URL(baseUrl).origin },
    body: new URLSearchParams({ email, password, next: "/" }),
    redirect: "manual",
    signal: AbortSignal.timeout(30_000),
  });
  const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]).filter((c) => /^__Host-wt_(at|rt)=./.test(c));
  if (res.status !== 302 || cookies.length !== 2) {
    throw new Error(`web login of ${email} answered ${res.status} with ${cookies.length} session cookies: ${(await res.text()).slice(0, 200)}`);
  }
  return cookies.join("; ");
}

/** One socket per entry: who opens it, with which class, and which members it must see (`sees`). */
export function viewerPlan(seed, sockets) {
  if (sockets % VIEWER_CLASSES.length !== 0) throw new Error(`The number of sockets must be a multiple of ${VIEWER_CLASSES.length}, got ${sockets}`);
  const perClass = sockets / VIEWER_CLASSES.length;
  const people = {
    all: [seed.owner, ...seed.executives].map((p) => ({ ...p, sees: { all: true } })),
    team: seed.teams.map((t) => ({ ...t.manager, sees: { members: new Set(t.memberIds) } })),
    project: seed.projects.map((p) => ({ ...p.manager, sees: { projects: new Set([p.id]) } })),
    viewer: seed.projects.map((p) => ({ ...p.viewer, sees: { projects: new Set([p.id]) } })),
    employee: seed.agents.slice(0, perClass).map((a) => ({ email: a.email, memberId: a.memberId, sees: { members: new Set([a.memberId]) } })),
  };
  const plan = [];
  for (const cls of VIEWER_CLASSES) {
    const list = people[cls];
    if (Math.ceil(perClass / list.length) > MAX_SOCKETS_PER_VIEWER) {
      throw new Error(`${perClass} "${cls}" sockets over ${list.length} people is more than ${MAX_SOCKETS_PER_VIEWER} each`);
    }
    for (let i = 0; i < perClass; i++) plan.push({ index: plan.length, cls, ...list[i % list.length] });
  }
  return plan;
}

/** How many people and sockets of each class the plan has. */
export function planSummary(plan) {
  return VIEWER_CLASSES.map((cls) => {
    const of = plan.filter((p) => p.cls === cls);
    return { cls, people: new Set(of.map((p) => p.email)).size, sockets: of.length };
  });
}

/** Signs in every person of the plan once (several sockets share a session); sets `cookie` on each entry. */
export async function signInViewers(baseUrl, plan, password) {
  const emails = [...new Set(plan.map((p) => p.email))];
  const cookies = await pool(emails, 4, (email) => webLogin(baseUrl, email, password));
  const byEmail = new Map(emails.map((e, i) => [e, cookies[i]]));
  for (const p of plan) p.cookie = byEmail.get(p.email);
  return emails.length;
}

/**
 * One agent per tracking member, in seed order: each member logs in through the API and has one
 * device registered with a one-time code. Returns the agents with their member id, team, projects
 * and tasks (what the simulated agent may record on).
 */
export async function registerLiveAgents(baseUrl, seed) {
  const members = await pool(seed.agents, 4, async (a) => {
    const body = await postJson(baseUrl, "/api/v1/auth/login", { email: a.email, password: seed.password });
    if (typeof body?.accessToken !== "string") throw new Error(`login of ${a.email} returned no accessToken`);
    return { email: a.email, token: body.accessToken };
  });
  // Round-robin over the members: with one device per member, agent i is member i.
  const devices = await registerAgents(baseUrl, seed.workspaceId, members, members.length);
  return seed.agents.map((a, i) => ({
    index: i, email: a.email, memberId: a.memberId, deviceToken: devices[i].deviceToken, team: a.team,
    projects: a.projects.map((p) => ({ id: seed.projects[p].id, taskIds: seed.projects[p].taskIds })),
  }));
}

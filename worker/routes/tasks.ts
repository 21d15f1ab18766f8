import { createRoute, z } from "@hono/zod-openapi";
import { createTask, getTask, listProjectTasks, updateTask } from "../services/tasks";
import { bearerSecurity, errorResponses, json, jsonBody, newRouter, requireActor, workspaceAndId } from "./_shared";
import { Archived, ListQuery, NameSchema, pageOf } from "./_structure";

export const taskRoutes = newRouter();
const tags = ["tasks"];
const ProjectParams = workspaceAndId("projectId");
const TaskParams = workspaceAndId("taskId");

const TaskStatus = z.enum(["open", "done"]);
const Task = z.object({
  id: z.string(), projectId: z.string(), name: z.string(), status: TaskStatus, createdAt: z.number(), archivedAt: z.number().nullable(),
}).openapi("Task");

taskRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/projects/{projectId}/tasks", tags, security: bearerSecurity,
    summary: "Tasks of a project the caller may see",
    request: { params: ProjectParams, query: ListQuery.extend({ status: TaskStatus.optional() }) },
    responses: { 200: json(pageOf(Task)), ...errorResponses } }),
  async (c) => c.json(await listProjectTasks(c.get("ctx"), await requireActor(c), c.req.valid("param").projectId, c.req.valid("query")), 200),
);

taskRoutes.openapi(
  createRoute({ method: "post", path: "/workspaces/{workspaceId}/projects/{projectId}/tasks", tags, security: bearerSecurity,
    summary: "Add a task (owners, executives, and managers of this project)",
    request: { params: ProjectParams, body: jsonBody(z.strictObject({ name: NameSchema })) },
    responses: { 201: json(Task, "Created"), ...errorResponses } }),
  async (c) => c.json(await createTask(c.get("ctx"), await requireActor(c), c.req.valid("param").projectId, c.req.valid("json")), 201),
);

taskRoutes.openapi(
  createRoute({ method: "get", path: "/workspaces/{workspaceId}/tasks/{taskId}", tags, security: bearerSecurity, summary: "One task",
    request: { params: TaskParams }, responses: { 200: json(Task), ...errorResponses } }),
  async (c) => c.json(await getTask(c.get("ctx"), await requireActor(c), c.req.valid("param").taskId), 200),
);

taskRoutes.openapi(
  createRoute({ method: "patch", path: "/workspaces/{workspaceId}/tasks/{taskId}", tags, security: bearerSecurity,
    summary: "Rename, complete / reopen, archive or restore a task (tasks are never deleted: tracked time refers to them)",
    request: { params: TaskParams, body: jsonBody(z.strictObject({ name: NameSchema.optional(), status: TaskStatus.optional(), archived: Archived.optional() })) },
    responses: { 200: json(Task), ...errorResponses } }),
  async (c) => c.json(await updateTask(c.get("ctx"), await requireActor(c), c.req.valid("param").taskId, c.req.valid("json")), 200),
);

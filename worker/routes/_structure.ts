/** Request and response pieces shared by the team, client, project and task routes. */
import { z } from "@hono/zod-openapi";
import { CursorSchema, LimitSchema, NameSchema } from "../contract/common";

export { NameSchema };

/** Query-string booleans: only the literal words, so `?includeArchived=0` is a 422, not a surprise. */
export const QueryFlag = z.enum(["true", "false"]).optional().transform((v) => v === "true")
  .openapi({ type: "string", enum: ["true", "false"], description: "Defaults to false" });

export const ListQuery = z.object({
  includeArchived: QueryFlag,
  cursor: CursorSchema.openapi({ description: "nextCursor of the previous page" }),
  limit: LimitSchema,
});

export const Archived = z.boolean().openapi({ description: "true archives (hidden from default lists, kept for history); false restores" });

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

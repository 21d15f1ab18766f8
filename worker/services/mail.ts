/**
 * Outgoing mail. Every message is written to mail_outbox first (the local /dev/mail page reads it);
 * in production it is also handed to the send_email binding.
 */
import { newId } from "../db/ids";
import { mailOutbox } from "../db/schema";
import type { ServiceContext } from "./context";
import { eq } from "drizzle-orm";

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export async function sendMail(ctx: ServiceContext, mail: Mail): Promise<void> {
  const id = newId();
  await ctx.db.insert(mailOutbox).values({ id, to: mail.to, subject: mail.subject, text: mail.text });
  if (ctx.env.ENVIRONMENT !== "production" || !ctx.env.EMAIL) return;
  try {
    const { EmailMessage } = await import("cloudflare:email");
    const raw = toMime(ctx.env.MAIL_FROM, mail);
    await ctx.env.EMAIL.send(new EmailMessage(ctx.env.MAIL_FROM, mail.to, raw));
    await ctx.db.update(mailOutbox).set({ sentAt: ctx.now() }).where(eq(mailOutbox.id, id));
  } catch (e) {
    // Delivery failures must not undo the sign-up or invitation; the row records the failure.
    await ctx.db.update(mailOutbox).set({ error: String(e).slice(0, 500) }).where(eq(mailOutbox.id, id));
  }
}

function toMime(from: string, m: Mail): string {
  const subject = `=?UTF-8?B?${btoa(String.fromCharCode(...new TextEncoder().encode(m.subject)))}?=`;
  return [
    `From: ${from}`, `To: ${m.to}`, `Subject: ${subject}`, `Message-ID: <${newId()}@worktrail>`,
    `Date: ${new Date().toUTCString()}`, "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit", "", m.text,
  ].join("\r\n");
}

export async function listOutbox(ctx: ServiceContext, limit = 50) {
  const { desc } = await import("drizzle-orm");
  return ctx.db.select().from(mailOutbox).orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id)).limit(limit);
}

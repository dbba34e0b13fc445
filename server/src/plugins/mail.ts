import nodemailer from 'nodemailer';
import type { Kysely } from 'kysely';
import type { Database } from './db/schema.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

/** The mail port: SMTP when SMTP_URL is set, otherwise an outbox table admins can read. */
export interface Mailer {
  readonly kind: 'smtp' | 'outbox';
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
}

/** Alerts and invitations never go to certified mail (PEC): it is for legal notices, not newsletters. */
export function isPecAddress(address: string): boolean {
  return /@(pec\.|.*\.pec\.|legalmail\.|postacert\.|cert\.)/i.test(address) || /@pec[-.]/i.test(address);
}

export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  // A few kept-open connections: thousands of alerts do not open thousands of SMTP sessions.
  const transport = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: 5 });
  return {
    kind: 'smtp',
    async send(message) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html, headers: message.headers });
    },
    async close() {
      transport.close();
    },
  };
}

/** SMTP when `SMTP_URL` is set, otherwise the outbox table: the one choice the app and the CLI make. */
export function createMailer(config: { smtpUrl: string | null | undefined; mailFrom: string }, db: Kysely<Database>): Mailer {
  return config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.mailFrom) : createOutboxMailer(db);
}

export function createOutboxMailer(db: Kysely<Database>): Mailer {
  return {
    kind: 'outbox',
    async send(message) {
      await db
        .insertInto('mail_outbox')
        .values({
          to_address: message.to,
          subject: message.subject,
          text_body: message.text,
          html_body: message.html ?? null,
          headers: JSON.stringify(message.headers ?? {}),
        })
        .execute();
    },
    async close() {},
  };
}

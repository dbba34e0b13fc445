import type { MailMessage } from '../../plugins/mail.ts';
import { hmac, safeEqual } from '../auth/secrets.ts';

/** The token in one-click unsubscribe links: signed, so it needs no login, and bound to one user. */
export const unsubscribeToken = (secret: string, userId: string) => hmac(secret, `unsubscribe:${userId}`);
export const validUnsubscribeToken = (secret: string, userId: string, token: string) => safeEqual(token, unsubscribeToken(secret, userId));

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface NewCallAlert {
  userId: string;
  to: string;
  name: string;
  title: string;
  body: string;
  link: string;
}

/** An immediate alert for a newly matched call: Italian, plain text and accessible HTML, RFC 8058 unsubscribe. */
export function newCallEmail(alert: NewCallAlert, options: { publicBaseUrl: string; secret: string; messageId: string }): MailMessage {
  const unsubscribe = new URL(`/api/v1/alerts/unsubscribe/${alert.userId}/${unsubscribeToken(options.secret, alert.userId)}`, options.publicBaseUrl);
  const preferences = new URL('/avvisi', options.publicBaseUrl).toString();
  const text = [
    `Gentile ${alert.name},`,
    '',
    alert.title,
    alert.body,
    '',
    `Dettagli: ${alert.link}`,
    '',
    `Ricevi questo messaggio perché hai chiesto gli avvisi immediati del Cruscotto. Preferenze: ${preferences}`,
    `Per non ricevere più avvisi per e-mail: ${unsubscribe.toString()}`,
  ].join('\n');
  const html = `<!doctype html>
<html lang="it"><head><meta charset="utf-8"><title>${escapeHtml(alert.title)}</title></head>
<body style="font-family: 'Titillium Web', Geneva, Tahoma, sans-serif; color: #1a1a1a; line-height: 1.5">
<main>
<p>Gentile ${escapeHtml(alert.name)},</p>
<h1 style="font-size: 1.25rem; color: #0066cc">${escapeHtml(alert.title)}</h1>
<p>${escapeHtml(alert.body)}</p>
<p><a href="${escapeHtml(alert.link)}" style="color: #0066cc">Apri il bando nel Cruscotto</a></p>
</main>
<footer style="font-size: 0.875rem; color: #5c6f82">
<p>Ricevi questo messaggio perché hai chiesto gli avvisi immediati del Cruscotto. <a href="${escapeHtml(preferences)}">Cambia le preferenze</a>.</p>
</footer>
</body></html>`;
  return {
    to: alert.to,
    subject: alert.title,
    text,
    html,
    headers: {
      'Message-ID': options.messageId,
      'List-Unsubscribe': `<${unsubscribe.toString()}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}

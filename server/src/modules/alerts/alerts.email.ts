import type { MailMessage } from '../../plugins/mail.ts';
import { hmac, safeEqual } from '../../shared/secrets.ts';
import { escapeHtml } from '../../shared/html.ts';
import { trackedLink } from '../../shared/tracked-link.ts';

/** The token in one-click unsubscribe links: signed, so it needs no login, and bound to one user. */
export const unsubscribeToken = (secret: string, userId: string) => hmac(secret, `unsubscribe:${userId}`);
export const validUnsubscribeToken = (secret: string, userId: string, token: string) => safeEqual(token, unsubscribeToken(secret, userId));

export interface EmailOptions {
  publicBaseUrl: string;
  secret: string;
  messageId: string;
}

interface Letter {
  userId: string;
  to: string;
  name: string;
  subject: string;
  /** Plain-text lines and the matching HTML of the message's body. */
  text: string[];
  html: string;
  why: string;
}

/** Every alert e-mail: Italian, plain text and accessible HTML, absolute links, RFC 8058 one-click unsubscribe. */
function letter(l: Letter, options: EmailOptions): MailMessage {
  const token = unsubscribeToken(options.secret, l.userId);
  // Mail clients POST to the header's address (RFC 8058); a person clicking the link gets a page that asks first.
  const unsubscribe = new URL(`/api/v1/alerts/unsubscribe/${l.userId}/${token}`, options.publicBaseUrl).toString();
  const unsubscribePage = new URL(`/disiscrizione/${l.userId}/${token}`, options.publicBaseUrl).toString();
  const preferences = new URL('/avvisi', options.publicBaseUrl).toString();
  const text = [
    `Gentile ${l.name},`,
    '',
    ...l.text,
    '',
    `${l.why} Preferenze: ${preferences}`,
    `Per non ricevere più avvisi per e-mail: ${unsubscribePage}`,
  ].join('\n');
  const html = `<!doctype html>
<html lang="it"><head><meta charset="utf-8"><title>${escapeHtml(l.subject)}</title></head>
<body style="font-family: 'Titillium Web', Geneva, Tahoma, sans-serif; color: #1a1a1a; line-height: 1.5">
<main>
<p>Gentile ${escapeHtml(l.name)},</p>
${l.html}
</main>
<footer style="font-size: 0.875rem; color: #5c6f82">
<p>${escapeHtml(l.why)} <a href="${escapeHtml(preferences)}">Cambia le preferenze</a> o <a href="${escapeHtml(unsubscribePage)}">non ricevere più avvisi per e-mail</a>.</p>
</footer>
</body></html>`;
  return {
    to: l.to,
    subject: l.subject,
    text,
    html,
    headers: { 'Message-ID': options.messageId, 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

const tracked = (options: EmailOptions, link: string) => trackedLink(options.publicBaseUrl, options.secret, link);

export interface AlertMessage {
  userId: string;
  to: string;
  name: string;
  title: string;
  body: string;
  link: string;
  /** Every comune of the recipient the call matches, when more than one: a link for each. */
  comuni?: { name: string; link: string }[];
}

function links(message: AlertMessage, options: EmailOptions): { text: string[]; html: string } {
  const alert = { ...message, link: tracked(options, message.link), comuni: message.comuni?.map((c) => ({ ...c, link: tracked(options, c.link) })) };
  const several = alert.comuni && alert.comuni.length > 1 ? alert.comuni : null;
  if (!several)
    return { text: [`Dettagli: ${alert.link}`], html: `<p><a href="${escapeHtml(alert.link)}" style="color: #0066cc">Apri il bando nel Cruscotto</a></p>` };
  return {
    text: ['Il bando per ciascun comune:', ...several.map((c) => `- ${c.name}: ${c.link}`)],
    html: `<p>Il bando per ciascun comune:</p>\n<ul>${several.map((c) => `<li><a href="${escapeHtml(c.link)}" style="color: #0066cc">${escapeHtml(c.name)}</a></li>`).join('')}</ul>`,
  };
}

/** An immediate alert: a new match, a change, a reminder, a window opening. */
export function alertEmail(alert: AlertMessage, options: EmailOptions): MailMessage {
  const open = links(alert, options);
  return letter(
    {
      ...alert,
      subject: alert.title,
      text: [alert.title, alert.body, '', ...open.text],
      html: `<h1 style="font-size: 1.25rem; color: #0066cc">${escapeHtml(alert.title)}</h1>
<p>${escapeHtml(alert.body)}</p>
${open.html}`,
      why: 'Ricevi questo messaggio perché hai chiesto gli avvisi immediati del Cruscotto.',
    },
    options,
  );
}

/** A notice about the comune's own work: a mention in a note, a step or a milestone coming due. */
export function personalNoticeEmail(alert: Omit<AlertMessage, 'comuni'>, options: EmailOptions): MailMessage {
  return letter(
    {
      ...alert,
      subject: alert.title,
      text: [alert.title, alert.body, '', `Apri la candidatura: ${alert.link}`],
      html: `<h1 style="font-size: 1.25rem; color: #0066cc">${escapeHtml(alert.title)}</h1>
<p>${escapeHtml(alert.body)}</p>
<p><a href="${escapeHtml(alert.link)}" style="color: #0066cc">Apri la candidatura nel Cruscotto</a></p>`,
      why: 'Ricevi questo messaggio perché lavori a questa candidatura nel Cruscotto.',
    },
    options,
  );
}

export interface DigestGroup {
  comune: string;
  items: { title: string; body: string; link: string }[];
}

export interface DigestMessage {
  userId: string;
  to: string;
  name: string;
  /** "giornaliero" or "settimanale". */
  cadence: string;
  /** "22 novembre 2026" or "dal 16 al 22 novembre 2026". */
  period: string;
  groups: DigestGroup[];
  /** News items, each counted once even when listed under several comuni. */
  count?: number;
}

/** The daily or weekly digest: every new match and change of the period, grouped by comune. */
export function digestEmail(digest: DigestMessage, options: EmailOptions): MailMessage {
  const count = digest.count ?? digest.groups.reduce((n, g) => n + g.items.length, 0);
  const subject = `Riepilogo ${digest.cadence} del Cruscotto: ${count} novità (${digest.period})`;
  const text = [`Le novità sui bandi per i tuoi comuni, ${digest.period}.`];
  const html = [
    `<h1 style="font-size: 1.25rem; color: #0066cc">Le novità sui bandi per i tuoi comuni</h1>`,
    `<p>${escapeHtml(digest.period)}: ${count} novità.</p>`,
  ];
  for (const { comune, items } of digest.groups) {
    const group = { comune, items: items.map((item) => ({ ...item, link: tracked(options, item.link) })) };
    text.push('', group.comune.toUpperCase(), ...group.items.flatMap((item) => [`- ${item.title}`, `  ${item.body}`, `  ${item.link}`]));
    html.push(
      `<h2 style="font-size: 1.1rem">${escapeHtml(group.comune)}</h2>`,
      `<ul>${group.items.map((item) => `<li><a href="${escapeHtml(item.link)}" style="color: #0066cc">${escapeHtml(item.title)}</a><br>${escapeHtml(item.body)}</li>`).join('\n')}</ul>`,
    );
  }
  return letter(
    { ...digest, subject, text, html: html.join('\n'), why: `Ricevi questo messaggio perché hai chiesto il riepilogo ${digest.cadence} del Cruscotto.` },
    options,
  );
}

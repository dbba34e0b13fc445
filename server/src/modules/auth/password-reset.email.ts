import type { FastifyInstance } from 'fastify';
import { escapeHtml } from '../../shared/html.ts';
import type { ResetToSend } from './password-reset.service.ts';

/** The link carries the token in the fragment, so it never reaches a server log. */
export async function sendPasswordResetEmail(app: FastifyInstance, reset: ResetToSend): Promise<void> {
  const link = `${app.config.publicBaseUrl}/reimposta-password#${reset.token}`;
  const until = reset.expiresAt.toLocaleTimeString('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit' });
  await app.mailer.send({
    to: reset.email,
    subject: 'Reimposta la password del Cruscotto digitale dei comuni',
    text: [
      `Gentile ${reset.name},`,
      '',
      'abbiamo ricevuto una richiesta di reimpostare la password del tuo accesso al Cruscotto digitale dei comuni.',
      '',
      `Per scegliere una nuova password apri questo collegamento entro le ore ${until} (vale un'ora e una sola volta):`,
      link,
      '',
      'Se non hai chiesto tu di reimpostare la password puoi ignorare il messaggio: la password attuale resta valida.',
    ].join('\n'),
    html: `<!doctype html><html lang="it"><body><p>Gentile ${escapeHtml(reset.name)},</p><p>abbiamo ricevuto una richiesta di reimpostare la password del tuo accesso al <strong>Cruscotto digitale dei comuni</strong>.</p><p><a href="${escapeHtml(link)}">Scegli una nuova password</a> entro le ore ${escapeHtml(until)} (il collegamento vale un'ora e una sola volta).</p><p>Se non hai chiesto tu di reimpostare la password puoi ignorare il messaggio: la password attuale resta valida.</p></body></html>`,
  });
}

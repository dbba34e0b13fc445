import type { FastifyInstance } from 'fastify';
import type { Selectable } from 'kysely';
import type { InvitationsTable } from '../../plugins/db/schema.ts';
import { escapeHtml } from '../../shared/html.ts';

/** The link carries the token in the fragment, so it never reaches a server log. */
export async function sendInvitationEmail(app: FastifyInstance, invitation: Selectable<InvitationsTable>, token: string): Promise<void> {
  const link = `${app.config.publicBaseUrl}/invito#${token}`;
  const expires = invitation.expires_at.toLocaleDateString('it-IT', { timeZone: 'Europe/Rome', day: 'numeric', month: 'long', year: 'numeric' });
  await app.mailer.send({
    to: invitation.email,
    subject: 'Invito al Cruscotto digitale dei comuni',
    text: [
      `Gentile ${invitation.name},`,
      '',
      'sei stato invitato ad accedere al Cruscotto digitale dei comuni, il servizio di Regione Lombardia e ANCI Lombardia',
      'che mostra ai comuni le opportunità di finanziamento adatte alla loro programmazione.',
      '',
      `Per attivare il tuo accesso apri questo collegamento entro il ${expires}:`,
      link,
      '',
      'Se non aspettavi questo invito puoi ignorare il messaggio.',
    ].join('\n'),
    html: `<!doctype html><html lang="it"><body><p>Gentile ${escapeHtml(invitation.name)},</p><p>sei stato invitato ad accedere al <strong>Cruscotto digitale dei comuni</strong>, il servizio di Regione Lombardia e ANCI Lombardia che mostra ai comuni le opportunità di finanziamento adatte alla loro programmazione.</p><p><a href="${escapeHtml(link)}">Attiva il tuo accesso</a> entro il ${escapeHtml(expires)}.</p><p>Se non aspettavi questo invito puoi ignorare il messaggio.</p></body></html>`,
  });
}

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '../../shared/schema.ts';
import { notFound } from '../../shared/domain-errors.ts';
import { PERSON_403, PERSON_WRITE_403 } from '../auth/index.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { callLink } from './alerts.dispatch.ts';
import { userOf } from '../auth/index.ts';
import { renderAtom } from './feeds.atom.ts';
import { renderCalendar } from './feeds.ical.ts';
import { feedCalls, feedToken, ownerOfToken, rotateFeedToken, type FeedOwner } from './feeds.queries.ts';

const FeedUrls = Type.Object(
  {
    atom: Type.String({ format: 'uri', description: 'Feed Atom dei bandi abbinati (indirizzo segreto)' }),
    ical: Type.String({ format: 'uri', description: 'Calendario iCalendar di scadenze e aperture (indirizzo segreto)' }),
    webcal: Type.String({ description: 'Lo stesso calendario con lo schema webcal://, per iscriversi con un clic' }),
  },
  { $id: 'FeedUrls' },
);
const IstatParams = Type.Object({ istat: Type.String({ pattern: '^[0-9]{6}$' }) });
const TokenParams = Type.Object({ token: Type.String({ pattern: '^[A-Za-z0-9_-]{20,64}$' }) });
const comuneOf = (request: FastifyRequest) => (request.params as { istat: string }).istat;
// A feed address is a lasting secret: handed only to people, never to a token (it would outlive it).
const MANAGE = { access: { permission: 'subscriptions:write' as const, comune: comuneOf, person: true as const } };
const ERRORS = problemResponses({
  401: 'Non autenticato',
  403: 'Solo gli RTD del comune, con un accesso personale (non con un token API)',
  404: 'Comune non trovato',
});
const FEED_NOT_FOUND = 'Feed non trovato: l’indirizzo è sbagliato o è stato rigenerato.';

/** Secret feed URLs (Atom and iCalendar) per comune and per user, and the feeds themselves. */
const feedsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(FeedUrls);
  const urls = (token: string) => {
    const ical = new URL(`/api/v1/feeds/${token}/scadenze.ics`, app.config.publicBaseUrl).toString();
    return { atom: new URL(`/api/v1/feeds/${token}/bandi.atom`, app.config.publicBaseUrl).toString(), ical, webcal: ical.replace(/^https?:/, 'webcal:') };
  };
  const existingComune = async (istat: string): Promise<FeedOwner> => {
    const comune = await app.db.selectFrom('comuni').select('istat').where('istat', '=', istat).executeTakeFirst();
    if (!comune) throw notFound('COMUNE_NOT_FOUND', `Nessun comune con codice ISTAT ${istat}.`);
    return { comune: istat };
  };

  app.get(
    '/comuni/:istat/feeds',
    {
      config: MANAGE,
      schema: {
        tags: ['alerts'],
        operationId: 'getComuneFeeds',
        summary: 'Indirizzi segreti dei feed Atom e iCalendar del comune, per i suoi RTD',
        params: IstatParams,
        response: { 200: Type.Ref('FeedUrls'), ...ERRORS },
      },
    },
    async (request) => urls(await feedToken(app.db, await existingComune(request.params.istat))),
  );
  app.post(
    '/comuni/:istat/feeds/rotate',
    {
      config: MANAGE,
      schema: {
        tags: ['alerts'],
        operationId: 'rotateComuneFeeds',
        summary: 'Rigenera gli indirizzi dei feed del comune (i precedenti smettono di funzionare)',
        params: IstatParams,
        response: { 200: Type.Ref('FeedUrls'), ...ERRORS },
      },
    },
    async (request) => urls(await rotateFeedToken(app.db, await existingComune(request.params.istat))),
  );
  const ME = problemResponses({ 401: 'Non autenticato', 403: PERSON_403 });
  app.get(
    '/me/feeds',
    {
      config: { access: 'person' },
      schema: {
        tags: ['alerts'],
        operationId: 'getMyFeeds',
        summary: 'Indirizzi segreti dei miei feed: bandi dei comuni che seguo e dei bandi che seguo',
        response: { 200: Type.Ref('FeedUrls'), ...ME },
      },
    },
    async (request) => urls(await feedToken(app.db, { user: userOf(request.principal) })),
  );
  app.post(
    '/me/feeds/rotate',
    {
      config: { access: 'person' },
      schema: {
        tags: ['alerts'],
        operationId: 'rotateMyFeeds',
        summary: 'Rigenera gli indirizzi dei miei feed',
        response: { 200: Type.Ref('FeedUrls'), ...problemResponses({ 401: 'Non autenticato', 403: PERSON_WRITE_403 }) },
      },
    },
    async (request) => urls(await rotateFeedToken(app.db, { user: userOf(request.principal) })),
  );

  const load = async (token: string) => {
    const feed = await ownerOfToken(app.db, token);
    if (!feed) throw notFound('FEED_NOT_FOUND', FEED_NOT_FOUND);
    const link = (call: { call_id: string; comune_istat: string | null }) =>
      callLink(app.config, call.call_id, 'comune' in feed.owner ? feed.owner.comune : call.comune_istat);
    return { ...feed, calls: await feedCalls(app.db, feed.owner), link };
  };

  app.get(
    '/feeds/:token/bandi.atom',
    {
      config: { access: 'public' },
      schema: {
        tags: ['alerts'],
        operationId: 'getAtomFeed',
        summary: 'Feed Atom dei bandi abbinati (indirizzo segreto)',
        params: TokenParams,
        produces: ['application/atom+xml'],
        response: { 200: Type.String(), ...problemResponses({ 404: 'Feed non trovato' }) },
      },
    },
    async (request, reply) => {
      const feed = await load(request.params.token);
      const owner = 'comune' in feed.owner ? `comune:${feed.owner.comune}` : `utente:${feed.owner.user}`;
      const body = renderAtom({
        id: `urn:cruscotto:feed:${owner}`,
        title: `Cruscotto digitale: bandi per ${feed.title}`,
        selfUrl: new URL(request.url, app.config.publicBaseUrl).toString(),
        pageUrl: new URL('comune' in feed.owner ? `/opportunita?comune=${feed.owner.comune}` : '/opportunita', app.config.publicBaseUrl).toString(),
        calls: feed.calls,
        link: feed.link,
      });
      return reply.type('application/atom+xml; charset=utf-8').header('cache-control', 'private, max-age=300').send(body);
    },
  );

  app.get(
    '/feeds/:token/scadenze.ics',
    {
      config: { access: 'public' },
      schema: {
        tags: ['alerts'],
        operationId: 'getCalendarFeed',
        summary: 'Calendario iCalendar di scadenze e aperture (indirizzo segreto)',
        params: TokenParams,
        produces: ['text/calendar'],
        response: { 200: Type.String(), ...problemResponses({ 404: 'Feed non trovato' }) },
      },
    },
    async (request, reply) => {
      const feed = await load(request.params.token);
      const extra = (await Promise.all(app.calendarSources.map((source) => source(app.db, feed.owner)))).flat();
      const body = renderCalendar({
        entries: extra.map((entry) => ({ ...entry, url: new URL(entry.path, app.config.publicBaseUrl).toString() })),
        name: `Scadenze bandi – ${feed.title}`,
        host: new URL(app.config.publicBaseUrl).hostname,
        calls: feed.calls,
        reminderDays: feed.reminderDays,
        link: feed.link,
        now: new Date(),
      });
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', 'inline; filename="scadenze.ics"')
        .header('cache-control', 'private, max-age=300')
        .send(body);
    },
  );
};

export default feedsRoutes;

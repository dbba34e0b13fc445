import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, Nullable } from '../../shared/schema.ts';
import { notFound } from '../../shared/domain-errors.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { page, PageOf, PageQuery } from '../../plugins/pagination.ts';
import { sendRendered } from '../../plugins/rendered-pages.ts';
import type { Clock } from '../../shared/clock.ts';
import { Demo } from '../calls/index.ts';
import { comuneNotFound } from '../comuni/index.ts';
import { daysLeftChangeAt, selectOpportunities, toOpportunity, type OpportunityView } from './matching.queries.ts';

/** The calls a comune can still apply to, or soon will. */
const OPEN_STATUSES = ['in_arrivo', 'aperto', 'in_scadenza'];

const publicFields = {
  call: Type.Object({
    id: Type.String({ format: 'uuid' }),
    title: Type.String(),
    issuer: Type.String(),
    programme: Type.String(),
    measureCode: Nullable(Type.String()),
    themes: Type.Array(Type.String()),
    status: Type.String(),
    nextDeadline: Nullable(Type.String({ format: 'date-time' })),
    demo: Demo,
  }),
  amount: Nullable(
    Type.Object({
      min: Type.Number({ format: 'double' }),
      max: Type.Number({ format: 'double' }),
      basis: Type.String({ description: 'Come è stimato, in italiano' }),
    }),
  ),
  daysLeft: Nullable(Type.Integer({ format: 'int32', description: 'Giorni alla prossima scadenza' })),
  warnings: Type.Array(Type.String(), { description: 'Avvertenze in italiano: solo in forma associata, risorse in esaurimento, scadenza vicina' }),
};

const PublicOpportunity = Type.Object(
  { ...publicFields, verdict: Type.String({ enum: ['eligible', 'eligible_via_aggregation'] }) },
  { $id: 'PublicOpportunity', description: 'Un bando che il comune può usare, dai soli dati pubblici: senza pertinenza né programmazione del comune' },
);
const PublicOpportunityPage = PageOf(Type.Ref('PublicOpportunity'), 'PublicOpportunityPage');
const ComuneCallChecklist = Type.Object(
  {
    ...publicFields,
    verdict: Type.String({ enum: ['eligible', 'eligible_via_aggregation', 'not_eligible'] }),
    checks: Type.Array(
      Type.Object({ rule: Type.String(), outcome: Type.String({ enum: ['pass', 'fail', 'via_aggregation', 'unverifiable'] }), message: Type.String() }),
      { description: 'Ogni condizione del bando con il suo esito per il comune' },
    ),
    population: Nullable(
      Type.Object(
        {
          value: Type.Integer({ format: 'int32' }),
          basis: Type.String({ enum: ['resident', 'legal'] }),
          asOf: Nullable(Type.String({ format: 'date' })),
          label: Type.String(),
        },
        { description: 'La popolazione ISTAT su cui il bando giudica il comune (limiti e fasce)' },
      ),
    ),
  },
  { $id: 'ComuneCallChecklist', description: 'Le condizioni di un bando pubblicato verificate per un comune, dai soli dati pubblici' },
);

const IstatParams = Type.Object({ istat: Type.String({ pattern: '^[0-9]{6}$' }) });

/** What anyone may know of a match: the call, the verdict, the amount and the dates; never score or programming. */
function toPublicOpportunity(view: OpportunityView, clock: Clock) {
  const { call, verdict, amount, reasons } = toOpportunity(view, clock);
  return { call, verdict, amount, daysLeft: reasons.daysLeft, warnings: reasons.warnings };
}

/** The public front door of matching: any visitor sees which calls a comune can use, and why. */
const publicOpportunitiesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(PublicOpportunity);
  app.addSchema(PublicOpportunityPage);
  app.addSchema(ComuneCallChecklist);
  const clock = app.clock;

  app.get(
    '/comuni/:istat/open-calls',
    {
      config: { access: 'public' },
      schema: {
        tags: ['matching'],
        operationId: 'listComuneOpenCalls',
        summary: 'Bandi aperti o in arrivo che il comune può usare, per scadenza, con importo stimato (dati pubblici)',
        params: IstatParams,
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: { 200: Type.Ref('PublicOpportunityPage'), ...problemResponses({ 404: 'Comune non trovato' }) },
      },
    },
    async (request) => {
      const { istat } = request.params;
      const { limit, offset } = request.query;
      if (!(await app.profileCache.get(istat))) throw comuneNotFound(istat);
      const now = clock();
      const matches = (await app.publicOpportunitiesCache.get(istat)) ?? [];
      const { items, total } = selectOpportunities(matches, { status: OPEN_STATUSES, sort: 'deadline', limit, offset }, now);
      return page(
        request,
        items.map((view) => toPublicOpportunity(view, now)),
        total,
        limit,
        offset,
      );
    },
  );

  app.get(
    '/comuni/:istat/open-calls/:callId',
    {
      config: { access: 'public' },
      schema: {
        tags: ['matching'],
        operationId: 'getComuneCallChecklist',
        summary: 'Le condizioni di un bando pubblicato verificate per il comune, con esito e importo stimato (dati pubblici)',
        params: Type.Object({ istat: IstatParams.properties.istat, callId: Type.String({ format: 'uuid' }) }),
        response: { 200: Type.Ref('ComuneCallChecklist'), ...problemResponses({ 404: 'Comune o bando non trovato' }) },
      },
    },
    async (request, reply) => {
      const { istat, callId } = request.params;
      const comune = await app.profileCache.get(istat);
      if (!comune) throw comuneNotFound(istat);
      if (comune.valid_to !== null)
        throw notFound('COMUNE_SUPPRESSED', `Il comune con codice ISTAT ${istat} è stato soppresso: non può più partecipare ai bandi.`);
      const now = clock();
      const kept = await app.checklistCache.get(istat, callId);
      if (!kept) throw notFound('CALL_NOT_FOUND', 'Bando non trovato o non pubblicato.');
      const { view } = kept;
      const at = now.now.getTime();
      return sendRendered(
        request,
        reply,
        kept.rendered,
        () => ({ ...toPublicOpportunity(view, now), checks: view.match.checks, population: view.match.population ?? null }),
        { now: at, until: daysLeftChangeAt(view.deadline, at), key: request.url.split('?')[0] },
      );
    },
  );
};

export default publicOpportunitiesRoutes;

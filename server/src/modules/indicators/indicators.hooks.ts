import type { FastifyInstance } from 'fastify';
import { hasPermission } from '../auth/index.ts';
import { countUsage, searchSubject } from './indicators.counting.ts';

const CALL_PAGE = '/api/v1/calls/:id';
const SEARCH = '/api/v1/calls/search';

/**
 * Counts, on the server, the call pages read and the searches that found nothing. The editorial staff's
 * own reads are not counted. A failed count is logged and never fails the request.
 */
export function countingHooks(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    if (request.method !== 'GET' || reply.statusCode !== 200 || request.routeOptions.url !== CALL_PAGE) return;
    if (request.principal && hasPermission(request.principal, 'calls:write')) return;
    const { id } = request.params as { id: string };
    await countUsage(app.db, app.clock().now, 'call_view', id).catch((error: unknown) => request.log.warn({ err: error }, 'call view not counted'));
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' || reply.statusCode !== 200 || request.routeOptions.url !== SEARCH || typeof payload !== 'string') return payload;
    const { q, offset } = request.query as { q?: string; offset?: number };
    if (!q?.trim() || offset || !String(reply.getHeader('content-type') ?? '').includes('json')) return payload;
    const total = (JSON.parse(payload) as { total?: number }).total;
    if (total === 0) {
      await countUsage(app.db, app.clock().now, 'search_empty', searchSubject(q)).catch((error: unknown) =>
        request.log.warn({ err: error }, 'empty search not counted'),
      );
    }
    return payload;
  });
}

import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { unsupportedMediaType } from '../shared/domain-errors.ts';

/** RFC 7396: the body of a PATCH is a JSON document whose members replace (or, when null, clear) the target's. */
export const MERGE_PATCH = 'application/merge-patch+json';

/**
 * PATCH routes take `application/merge-patch+json` and nothing else, as the Italian API guidelines
 * ask (and the OpenAPI document says): any other type is 415, and so is a merge patch sent to a
 * method other than PATCH.
 */
export const mergePatchPlugin = fp(async (app: FastifyInstance) => {
  app.addContentTypeParser(MERGE_PATCH, { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  app.addHook('onRequest', async (request) => {
    const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (request.method === 'PATCH' && type !== MERGE_PATCH) {
      throw unsupportedMediaType(`Le modifiche parziali (PATCH) si inviano come ${MERGE_PATCH} (RFC 7396).`);
    }
    if (type === MERGE_PATCH && request.method !== 'PATCH') {
      throw unsupportedMediaType(`Il tipo di contenuto ${MERGE_PATCH} vale solo per le richieste PATCH: usa application/json.`);
    }
  });
});

interface Operation {
  requestBody?: { content?: Record<string, unknown> };
}

/** The document shows the media type the guidelines want for every PATCH body. */
export function mergePatchBodies(paths: Record<string, Record<string, Operation>>): void {
  for (const operations of Object.values(paths)) {
    const content = operations.patch?.requestBody?.content;
    if (!content?.['application/json']) continue;
    content[MERGE_PATCH] = content['application/json'];
    delete content['application/json'];
  }
}

import type { FastifyReply, FastifyRequest } from 'fastify';

/** Pages of one cached answer kept as sent: URLs differing only in their parameters' order count apart. */
const MAX_PAGES = 50;

/**
 * Sends a page of an answer kept in memory, serialised once: the JSON of the first request for a URL
 * is kept in `rendered` (which lives and dies with the cached answer) and sent again as it is. For
 * pages that depend only on the answer and the URL, not on the clock or on who asks.
 */
export function sendRendered(request: FastifyRequest, reply: FastifyReply, rendered: Map<string, string>, build: () => unknown): FastifyReply {
  let body = rendered.get(request.url);
  if (body === undefined) {
    body = reply.serialize(build()) as string;
    if (rendered.size < MAX_PAGES) rendered.set(request.url, body);
  }
  return reply.type('application/json; charset=utf-8').send(body);
}

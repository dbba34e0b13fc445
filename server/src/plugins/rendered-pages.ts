import type { FastifyReply, FastifyRequest } from 'fastify';

/** Pages of one cached answer kept as sent: URLs differing only in their parameters' order count apart. */
const MAX_PAGES = 50;

/** A page as sent, and the instant (epoch ms, of the app's clock) until which it holds. */
export interface RenderedPage {
  body: string;
  until: number;
}

export interface RenderOptions {
  /** For a page that depends on the clock: now, and until when it holds (epoch ms of the app's clock). */
  now?: number;
  until?: number;
  /** What tells pages apart: the URL, unless the route reads no query (then its path, so that made-up query strings cannot fill the map). */
  key?: string;
}

/**
 * Sends a page of an answer kept in memory, serialised once: the JSON of the first request for a URL
 * is kept in `rendered` (which lives and dies with the cached answer) and sent again as it is. For
 * pages that depend only on the answer and the URL, not on who asks; a page that depends on the clock
 * says until when it holds, and is rendered again after.
 */
export function sendRendered(
  request: FastifyRequest,
  reply: FastifyReply,
  rendered: Map<string, RenderedPage>,
  build: () => unknown,
  { now = 0, until = Infinity, key = request.url }: RenderOptions = {},
): FastifyReply {
  let page = rendered.get(key);
  if (page === undefined || now >= page.until) {
    page = { body: reply.serialize(build()) as string, until };
    if (rendered.size < MAX_PAGES || rendered.has(key)) rendered.set(key, page);
  }
  return reply.type('application/json; charset=utf-8').send(page.body);
}

import { Type } from '../shared/schema.ts';
import { type TProperties, type TSchema } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';

export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, format: 'int32', description: 'Elementi per pagina (max 100)' }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, format: 'int32', description: 'Elementi da saltare' }),
};

const Link = Type.Object({ href: Type.String() });

/** The AgID collection shape: `{ items, total, limit, offset, _links }`. */
/** A page of items; `extra` adds properties the page carries besides them (an unread count, facets). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- TypeBox's own default for "no extra properties"
export function PageOf<T extends TSchema, E extends TProperties = {}>(item: T, id: string, extra?: E) {
  return Type.Object(
    {
      ...(extra ?? ({} as E)),
      items: Type.Array(item),
      total: Type.Integer({ format: 'int32' }),
      limit: Type.Integer({ format: 'int32' }),
      offset: Type.Integer({ format: 'int32' }),
      _links: Type.Object({ self: Link, next: Type.Optional(Link), prev: Type.Optional(Link) }),
    },
    { $id: id },
  );
}

function linkWith(request: FastifyRequest, offset: number): { href: string } {
  const url = new URL(request.url, 'http://local');
  url.searchParams.set('offset', String(offset));
  return { href: url.pathname + url.search };
}

export function page<T>(request: FastifyRequest, items: T[], total: number, limit: number, offset: number) {
  return {
    items,
    total,
    limit,
    offset,
    _links: {
      self: linkWith(request, offset),
      ...(offset + limit < total ? { next: linkWith(request, offset + limit) } : {}),
      ...(offset > 0 ? { prev: linkWith(request, Math.max(0, offset - limit)) } : {}),
    },
  };
}

export const PageOnlyQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

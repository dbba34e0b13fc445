import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { badRequest, type FieldError } from './errors/problem.ts';

/**
 * C0 controls and DEL, and UTF-16 surrogates standing alone (in Unicode mode a class of surrogates
 * matches only unpaired ones). PostgreSQL refuses NUL and lone surrogates in text and JSON, and none
 * of these has a meaning in a field; multi-line texts keep tab, line feed and carriage return.
 */
const IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDFFF]/u;
/** Query and path parameters are single-line values: every control character is refused there. */
const IN_PARAMETER = /[\u0000-\u001F\u007F]|[\uD800-\uDFFF]/u;
const MESSAGE = 'Contiene caratteri di controllo non ammessi.';
const MAX_ERRORS = 20;

/** Paths of the strings (values or keys) in `value` that `pattern` finds, walked without recursion. */
export function fieldsWithControlCharacters(value: unknown, context: string, pattern: RegExp): string[] {
  const found: string[] = [];
  const pending: [unknown, string][] = [[value, context]];
  while (pending.length > 0 && found.length < MAX_ERRORS) {
    const [current, path] = pending.pop()!;
    if (typeof current === 'string') {
      if (pattern.test(current)) found.push(path);
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) pending.push([current[i], `${path}[${i}]`]);
    } else if (current !== null && typeof current === 'object' && !Buffer.isBuffer(current)) {
      const entries = Object.entries(current).reverse();
      for (const [key, child] of entries) {
        // A key with control characters is reported on its parent: echoing it back helps nobody.
        if (pattern.test(key)) found.push(path);
        else pending.push([child, `${path}.${key}`]);
      }
    }
  }
  return found;
}

function controlCharacterErrors(request: FastifyRequest): FieldError[] {
  const fields = [
    ...fieldsWithControlCharacters(request.params, 'params', IN_PARAMETER),
    ...fieldsWithControlCharacters(request.query, 'querystring', IN_PARAMETER),
    ...fieldsWithControlCharacters(request.body, 'body', IN_TEXT),
  ];
  return [...new Set(fields)].slice(0, MAX_ERRORS).map((field) => ({ field, message: MESSAGE }));
}

/**
 * One rule for every route: strings with control characters are refused at the edge with 400, naming
 * each field, before they reach validation, the search engine or the database. CSV files are
 * cleaned row by row by their importers (shared/csv.ts).
 */
export const controlCharactersPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('preValidation', async (request) => {
      const errors = controlCharacterErrors(request);
      if (errors.length > 0) throw badRequest('VALIDATION_FAILED', 'Alcuni dati della richiesta non sono validi.', errors);
    });
  },
  { name: 'control-characters' },
);

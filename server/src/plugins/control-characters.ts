import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { badRequest, type FieldProblem as FieldError } from '../shared/domain-errors.ts';
import { CONTROL_IN_LINE as IN_PARAMETER, CONTROL_IN_TEXT as IN_TEXT } from '../shared/control-characters.ts';

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

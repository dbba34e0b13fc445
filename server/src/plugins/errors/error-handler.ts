import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError, ERROR_KINDS } from '../../shared/domain-errors.ts';
import { PROBLEM_CONTENT_TYPE, problemType, titleFor, type FieldError, type Problem } from './problem.ts';
import { toFieldErrors } from './validation-messages.ts';

interface ProblemInput {
  status: number;
  code: string;
  detail: string;
  errors?: FieldError[] | undefined;
  headers?: Record<string, string> | undefined;
}

/**
 * One notation for every field a problem names, the one Ajv uses: an array's item as `[i]`
 * (`body.links[0].label`, `body.money.amount.brackets[2].populationMin`), whether the schema or a
 * service found the mistake. The SPA places each message next to its control by this path.
 */
export const indexedPath = (field: string) => field.replace(/\.(\d+)(?=\.|\[|$)/g, '[$1]');

export function sendProblem(request: FastifyRequest, reply: FastifyReply, input: ProblemInput): FastifyReply {
  const body: Problem = {
    type: problemType(input.code),
    title: titleFor(input.status),
    status: input.status,
    detail: input.detail,
    instance: request.url.split('?')[0] ?? request.url,
    code: input.code,
    requestId: String(request.id),
    ...(input.errors && input.errors.length > 0 ? { errors: input.errors.map((e) => ({ field: indexedPath(e.field), message: e.message })) } : {}),
  };
  for (const [name, value] of Object.entries(input.headers ?? {})) reply.header(name, value);
  return reply.code(input.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

const FASTIFY_ERRORS: Record<string, Omit<ProblemInput, 'errors'>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    detail: 'Il tipo di contenuto della richiesta non è supportato: usa application/json.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', detail: 'Il contenuto della richiesta è troppo grande.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'EMPTY_BODY',
    detail: 'La richiesta dichiara un contenuto JSON ma è vuota.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'MALFORMED_JSON', detail: 'Il contenuto della richiesta non è JSON valido.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'INVALID_CONTENT_LENGTH',
    detail: 'La lunghezza dichiarata non corrisponde al contenuto.',
  },
};

/** PostgreSQL SQLSTATEs that mean the request, not the server, was wrong. */
const DATABASE_ERRORS: Record<string, Omit<ProblemInput, 'errors'>> = {
  '23505': { status: 409, code: 'ALREADY_EXISTS', detail: 'Esiste già un elemento con questi dati.' },
  '23503': { status: 409, code: 'REFERENCE_CONFLICT', detail: "L'operazione riguarda un elemento collegato che non esiste o è ancora in uso." },
  '23514': { status: 422, code: 'CONSTRAINT_VIOLATION', detail: 'I dati non rispettano i vincoli previsti.' },
  '22001': { status: 422, code: 'VALUE_TOO_LONG', detail: 'Un valore è troppo lungo.' },
  '22003': { status: 422, code: 'NUMBER_OUT_OF_RANGE', detail: 'Un valore numerico è fuori dall\u2019intervallo ammesso.' },
  '22007': { status: 400, code: 'INVALID_DATE', detail: 'Una data non è valida.' },
  '22008': { status: 400, code: 'INVALID_DATE', detail: 'Una data non è valida.' },
  '22P02': { status: 400, code: 'INVALID_VALUE', detail: 'Un valore non è nel formato atteso.' },
};

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '53300', '08006', '08001', '08003']);

function isDatabaseError(error: unknown): error is { code: string } {
  return typeof error === 'object' && error !== null && 'severity' in error && typeof (error as { code?: unknown }).code === 'string';
}

function classify(error: FastifyError): ProblemInput {
  if (error instanceof DomainError) {
    const retry = error.retryAfterSeconds === undefined ? undefined : { 'retry-after': String(error.retryAfterSeconds) };
    return { status: ERROR_KINDS[error.kind], code: error.code, detail: error.detail, errors: error.errors, headers: retry };
  }
  if (error.validation) {
    return {
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: 'Alcuni dati della richiesta non sono validi.',
      errors: toFieldErrors(error.validation, error.validationContext ?? 'body'),
    };
  }
  const known = error.code ? FASTIFY_ERRORS[error.code] : undefined;
  if (known) return known;
  if (error instanceof SyntaxError && error.statusCode === 400) return FASTIFY_ERRORS.FST_ERR_CTP_INVALID_JSON_BODY!;
  if (isDatabaseError(error) && DATABASE_ERRORS[error.code]) return DATABASE_ERRORS[error.code]!;
  if (error.code && UNAVAILABLE_CODES.has(error.code)) {
    return {
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      detail: 'Il servizio è momentaneamente non disponibile. Riprova tra poco.',
      headers: { 'retry-after': '5' },
    };
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return { status, code: `HTTP_${status}`, detail: titleFor(status as number) + '.' };
  }
  return { status: 500, code: 'INTERNAL_ERROR', detail: 'Si è verificato un errore imprevisto. Riprova più tardi.' };
}

/** One RFC 7807 answer for every non-2xx, Fastify's own errors included. */
export const errorHandlerPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = classify(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: problem.code, status: problem.status }, 'request rejected');
    return sendProblem(request, reply, problem);
  });
});

/** Errors Fastify raises before routing (a parameter too long, a malformed URL), as problem+json. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  return sendProblem(request, reply, {
    status: tooLong ? 414 : 400,
    code: tooLong ? 'URI_TOO_LONG' : 'MALFORMED_URL',
    detail: tooLong ? "L'indirizzo richiesto è troppo lungo." : "L'indirizzo richiesto non è valido.",
  });
}

/** Errors Node's HTTP parser meets before Fastify sees a request (headers too large, timeouts). */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: import('node:net').Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const [status, code, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'HEADERS_TOO_LARGE', 'Le intestazioni della richiesta sono troppo grandi.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'REQUEST_TIMEOUT', 'La richiesta non è arrivata in tempo.']
        : [400, 'MALFORMED_REQUEST', 'La richiesta HTTP non è valida.'];
  const body = JSON.stringify({ type: problemType(code), title: titleFor(status as number), status, detail, instance: '', code, requestId: '' });
  socket.end(
    `HTTP/1.1 ${status} ${titleFor(status as number)}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

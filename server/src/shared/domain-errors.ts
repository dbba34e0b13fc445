/**
 * Failures in the domain's own words. Services and routes raise them; the one error mapper
 * (plugins/errors/error-handler.ts) turns each kind into its HTTP status and an RFC 7807 answer.
 * `detail` is the Italian sentence the person reads; `code` is the stable name clients branch on.
 */
export const ERROR_KINDS = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unsupported_media_type: 415,
  unprocessable: 422,
  too_many_requests: 429,
  unavailable: 503,
} as const;

export type ErrorKind = keyof typeof ERROR_KINDS;

/** A field the person has to correct, by its request path (`body.windows[0].closesAt`). */
export interface FieldProblem {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    readonly detail: string,
    readonly errors?: FieldProblem[],
    /** When the same request may succeed again (too many requests, not ready yet). */
    readonly retryAfterSeconds?: number,
  ) {
    super(detail);
    this.name = 'DomainError';
  }
}

export const badRequest = (code: string, detail: string, errors?: FieldProblem[]) => new DomainError('invalid_request', code, detail, errors);
export const unauthorized = (detail = 'Accedi per continuare.', code = 'UNAUTHENTICATED') => new DomainError('unauthenticated', code, detail);
export const forbidden = (detail = 'Non hai i permessi per questa operazione.', code = 'FORBIDDEN') => new DomainError('forbidden', code, detail);
/** An API token (a machine identity) asking for what only a person may do. */
export const tokenNotAllowed = () => forbidden('Questa operazione richiede un accesso personale: i token API non possono usarla.', 'TOKEN_NOT_ALLOWED');
export const notFound = (code: string, detail: string) => new DomainError('not_found', code, detail);
export const conflict = (code: string, detail: string, errors?: FieldProblem[]) => new DomainError('conflict', code, detail, errors);
export const unsupportedMediaType = (detail: string) => new DomainError('unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', detail);
export const unprocessable = (code: string, detail: string, errors?: FieldProblem[]) => new DomainError('unprocessable', code, detail, errors);
export const tooManyRequests = (code: string, detail: string, retryAfterSeconds: number) =>
  new DomainError('too_many_requests', code, detail, undefined, retryAfterSeconds);
export const unavailable = (code: string, detail: string, retryAfterSeconds?: number) =>
  new DomainError('unavailable', code, detail, undefined, retryAfterSeconds);

import createClient, { type Middleware } from 'openapi-fetch';
import { answeredInPage } from './firstAnswers';
import { tracked } from './inFlight';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];
export type FieldError = Schemas['FieldError'];

/** An API answer that is not a success, with the problem+json's Italian detail and field errors. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem>,
  ) {
    super(problem.detail ?? problem.title ?? `Errore ${status}`);
  }
  /**
   * The address names nothing: an unknown id (404), or one that cannot exist because the path itself
   * is malformed (`/bandi/abc`: a 400 about path parameters only). People read both as "not found".
   */
  get notFound(): boolean {
    const fields = (this.problem.errors ?? []).map((e) => e.field);
    return this.status === 404 || (this.status === 400 && fields.length > 0 && fields.every((f) => f.startsWith('params.')));
  }
}

let csrfToken: string | null = null;
export const forgetCsrfToken = () => (csrfToken = null);

export async function csrf(): Promise<string> {
  if (!csrfToken) {
    const response = await fetch('/api/v1/auth/csrf', { credentials: 'same-origin' });
    csrfToken = ((await response.json()) as { token: string }).token;
  }
  return csrfToken;
}

/** Unsafe requests carry the session's CSRF token (the cookie alone is not enough). */
const csrfMiddleware: Middleware = {
  async onRequest({ request }) {
    if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method)) request.headers.set('x-csrf-token', await csrf());
    return request;
  },
};

/** Paths in the OpenAPI document are relative to its server, `/api/v1`. */
export const api = createClient<paths>({
  baseUrl: '/api/v1',
  credentials: 'same-origin',
  fetch: (request: Request) => answeredInPage(request) ?? globalThis.fetch(request),
});
api.use(csrfMiddleware);

/** The data of an answer, or an ApiError in Italian: views never look at raw responses. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: Awaited<typeof call>;
  try {
    result = await tracked(call);
  } catch {
    throw new ApiError(0, { detail: 'Il servizio non è raggiungibile: controlla la connessione e riprova.' });
  }
  if (result.response.ok) return result.data as T;
  const problem = (result.error ?? {}) as Partial<Problem>;
  throw new ApiError(result.response.status, problem);
}

type Operation<P extends keyof paths, M extends 'get' | 'post' | 'put' | 'patch' | 'delete'> = NonNullable<paths[P][M]>;
/** The query string an operation accepts, for the feature composables' signatures. */
export type QueryOf<P extends keyof paths, M extends 'get' | 'post' | 'put' | 'patch' | 'delete' = 'get'> = NonNullable<Operation<P, M> extends { parameters: { query?: infer Q } } ? Q : never>;
/** The JSON body an operation accepts. */
export type BodyOf<P extends keyof paths, M extends 'post' | 'put' | 'patch'> = Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

import { Type } from '../../shared/schema.ts';
import { type Static } from '@sinclair/typebox';

export const FieldErrorSchema = Type.Object(
  {
    field: Type.String({ description: 'Percorso del campo, es. `body.windows[0].closesAt`' }),
    message: Type.String({ description: 'Messaggio in italiano' }),
  },
  { $id: 'FieldError' },
);

const ProblemMembers = Type.Object({
  title: Type.String(),
  status: Type.Integer({ format: 'int32' }),
  detail: Type.String({ description: 'Spiegazione per chi usa il servizio, in italiano' }),
  instance: Type.String({ description: 'Percorso della richiesta che ha causato il problema' }),
  code: Type.String({ description: 'Codice stabile, es. `CALL_NOT_FOUND`' }),
  requestId: Type.String(),
  errors: Type.Optional(Type.Array(Type.Ref('FieldError'))),
});

/**
 * RFC 7807 problem details. The member `type` (a URI string) is listed in `required` and kept by
 * `additionalProperties` rather than under `properties`: the shared convention checker reads any
 * object with a `type` key as a schema and stops on a property named `type`.
 */
export const ProblemSchema = Type.Unsafe<Static<typeof ProblemMembers> & { type: string }>({
  ...ProblemMembers,
  $id: 'Problem',
  description: 'RFC 7807 problem details. `type` (stringa, URI) identifica il tipo di problema, es. `urn:cruscotto:problem:validation-failed`.',
  required: ['type', ...(ProblemMembers.required ?? [])],
  // Untyped, so that generated clients keep each member's own type; the one extra member is `type`, a URI.
  additionalProperties: { maxLength: 200, description: '`type`: URI del tipo di problema' },
  maxProperties: Object.keys(ProblemMembers.properties).length + 1,
});

export type FieldError = Static<typeof FieldErrorSchema>;
export type Problem = Static<typeof ProblemSchema>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

const TITLES: Record<number, string> = {
  400: 'Richiesta non valida',
  401: 'Autenticazione richiesta',
  403: 'Accesso negato',
  404: 'Risorsa non trovata',
  405: 'Metodo non consentito',
  406: 'Formato non disponibile',
  409: 'Conflitto',
  413: 'Richiesta troppo grande',
  415: 'Tipo di contenuto non supportato',
  422: 'Dati non accettabili',
  429: 'Troppe richieste',
  500: 'Errore interno',
  503: 'Servizio non disponibile',
};

export function titleFor(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Errore del server' : 'Errore nella richiesta');
}

export function problemType(code: string): string {
  return `urn:cruscotto:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

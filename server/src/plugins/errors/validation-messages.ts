import type { FastifySchemaValidationError } from 'fastify';
import type { FieldError } from './problem.ts';
import { formatNumber } from '../../shared/euros.ts';
import { plural } from '../../shared/plural.ts';

type Params = Record<string, unknown>;

const MESSAGES: Record<string, (p: Params) => string> = {
  required: () => 'Campo obbligatorio.',
  type: (p) => `Deve essere di tipo ${TYPE_NAMES[String(p.type)] ?? String(p.type)}.`,
  minLength: (p) => `Deve contenere almeno ${plural(Number(p.limit), 'carattere', 'caratteri')}.`,
  maxLength: (p) => `Può contenere al massimo ${plural(Number(p.limit), 'carattere', 'caratteri')}.`,
  minimum: (p) => `Deve essere maggiore o uguale a ${formatNumber(Number(p.limit))}.`,
  maximum: (p) => `Deve essere minore o uguale a ${formatNumber(Number(p.limit))}.`,
  exclusiveMinimum: (p) => `Deve essere maggiore di ${formatNumber(Number(p.limit))}.`,
  exclusiveMaximum: (p) => `Deve essere minore di ${formatNumber(Number(p.limit))}.`,
  minItems: (p) => `Deve contenere almeno ${plural(Number(p.limit), 'elemento', 'elementi')}.`,
  maxItems: (p) => `Può contenere al massimo ${plural(Number(p.limit), 'elemento', 'elementi')}.`,
  uniqueItems: () => 'Non può contenere elementi ripetuti.',
  enum: (p) => `Deve essere uno dei valori ammessi: ${(p.allowedValues as unknown[] | undefined)?.join(', ') ?? ''}.`,
  const: (p) => `Deve valere ${String(p.allowedValue)}.`,
  format: (p) => `Non è nel formato atteso (${FORMAT_NAMES[String(p.format)] ?? String(p.format)}).`,
  pattern: () => 'Non è nel formato atteso.',
  additionalProperties: (p) => `Il campo «${String(p.additionalProperty)}» non è previsto.`,
  anyOf: () => 'Non corrisponde a nessuna delle forme ammesse.',
  oneOf: () => 'Non corrisponde a nessuna delle forme ammesse.',
};

const TYPE_NAMES: Record<string, string> = {
  string: 'testo',
  integer: 'numero intero',
  number: 'numero',
  boolean: 'vero/falso',
  object: 'oggetto',
  array: 'elenco',
  null: 'nullo',
};

const FORMAT_NAMES: Record<string, string> = {
  date: 'data AAAA-MM-GG',
  'date-time': 'data e ora RFC 3339',
  email: 'indirizzo e-mail',
  uri: 'indirizzo web',
  uuid: 'UUID',
  int32: 'numero intero fino a 2147483647',
};

function fieldPath(error: FastifySchemaValidationError, context: string): string {
  const pointer = error.instancePath
    .split('/')
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('');
  const child = error.params.missingProperty ?? error.params.additionalProperty;
  const missing = ['required', 'additionalProperties'].includes(error.keyword) ? `.${String(child)}` : '';
  return `${context}${pointer}${missing}`;
}

/** Turns Ajv's English messages into Italian ones keyed by the offending field. */
export function toFieldErrors(errors: FastifySchemaValidationError[], context: string): FieldError[] {
  const seen = new Set<string>();
  const fieldErrors: FieldError[] = [];
  for (const error of errors) {
    const field = fieldPath(error, context);
    const message = MESSAGES[error.keyword]?.(error.params as Params) ?? 'Valore non valido.';
    const key = `${field}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    fieldErrors.push({ field, message });
  }
  return fieldErrors;
}

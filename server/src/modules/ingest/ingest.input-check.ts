import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifySchemaValidationError } from 'fastify';
import { toFieldErrors } from '../../plugins/errors/validation-messages.ts';
import { CallInput, Eligibility } from '../calls/index.ts';

type Validate = ((input: unknown) => boolean) & { errors?: FastifySchemaValidationError[] | null };

let validate: Validate | undefined;

/** The validator the API applies to `POST /calls` bodies, compiled once with the same Ajv options. */
function callInputValidator(): Validate {
  const acceptNumberFormats = (ajv: { addFormat(name: string, format: true): unknown }) => {
    for (const format of ['int32', 'int64', 'float', 'double']) ajv.addFormat(format, true);
    return ajv;
  };
  const compile = AjvCompiler()(
    { CallEligibility: Eligibility } as never,
    {
      customOptions: { allErrors: true, coerceTypes: false, useDefaults: true, removeAdditional: false },
      plugins: [acceptNumberFormats],
    } as never,
  ) as unknown as (route: { schema: unknown; method: string; url: string; httpPart: string }) => Validate;
  return compile({ schema: CallInput, method: 'POST', url: '/calls', httpPart: 'body' });
}

/** Alternatives of a nullable field (`must be null`, `no alternative matched`) say nothing the other error does not. */
const isNoise = (error: FastifySchemaValidationError) =>
  ['anyOf', 'oneOf'].includes(error.keyword) || (error.keyword === 'type' && error.params.type === 'null');

/**
 * Why a call read from a file would not be accepted through the API (lengths, number ranges, formats),
 * in Italian, field by field; null when it would. Checked before the database sees it, so that one
 * bad row is reported with its reason and the others go on.
 */
export function callInputProblems(input: unknown): string | null {
  validate ??= callInputValidator();
  if (validate(input)) return null;
  const errors = (validate.errors ?? []).filter((error) => !isNoise(error));
  const fields = toFieldErrors(errors.length > 0 ? errors : (validate.errors ?? []), 'body');
  // One reason per field: a number over its range also breaks its int32 format, which says less.
  const firstPerField = fields.filter((e, i) => fields.findIndex((other) => other.field === e.field) === i);
  return firstPerField.map((e) => `${e.field.replace(/^body\./, '')}: ${e.message}`).join(' ');
}

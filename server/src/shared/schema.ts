import { Type, type TSchema } from '@sinclair/typebox';

/** `T | null`, with null first so that query-string coercion never turns a null into a value. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([Type.Null(), schema]);

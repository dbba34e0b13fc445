import {
  Type as TypeBox,
  type ArrayOptions,
  type NumberOptions,
  type ObjectOptions,
  type SchemaOptions,
  type StringOptions,
  type TProperties,
  type TSchema,
} from '@sinclair/typebox';

/**
 * The bounds a schema gets when its author names none. The Italian API guidelines (and their Spectral
 * rules, `npm run lint:api`) want every string, number, array and object of the API bounded; Ajv
 * enforces whatever the schema says, so these are also the limits of what a request may carry.
 * They are wide on purpose: a field with a tighter natural limit (an ISTAT code, a title, a page size)
 * names its own, and responses must never exceed them (a nullable value is checked while serialising).
 */
export const DEFAULT_BOUNDS = {
  stringLength: 100_000,
  int32: { minimum: -2_147_483_648, maximum: 2_147_483_647 },
  int64: { minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
  number: { minimum: -1e15, maximum: 1e15 },
  /** The longest text a format allows (an e-mail address by RFC 5321, a link as browsers keep it). */
  formatLength: { uuid: 36, date: 10, 'date-time': 35, email: 254, uri: 2000 } as Record<string, number>,
  arrayItems: 10_000,
  recordEntries: 1_000,
} as const;

/**
 * TypeBox's `Type` with those defaults: every schema of the API is written with it (ESLint forbids
 * importing `Type` from TypeBox elsewhere), so a new route is bounded by construction. Objects refuse
 * properties they do not declare; a map (`Type.Record`) has at most `recordEntries` keys.
 */
export const Type: typeof TypeBox = Object.assign(Object.create(TypeBox) as typeof TypeBox, {
  String: (options?: StringOptions) =>
    options && 'enum' in options
      ? TypeBox.String(options)
      : TypeBox.String({ maxLength: DEFAULT_BOUNDS.formatLength[options?.format ?? ''] ?? DEFAULT_BOUNDS.stringLength, ...options }),
  Integer: (options?: NumberOptions) =>
    TypeBox.Integer({ format: 'int32', ...(options?.format === 'int64' ? DEFAULT_BOUNDS.int64 : DEFAULT_BOUNDS.int32), ...options }),
  Number: (options?: NumberOptions) => TypeBox.Number({ format: 'double', ...DEFAULT_BOUNDS.number, ...options }),
  Array: <T extends TSchema>(items: T, options?: ArrayOptions) => TypeBox.Array(items, { minItems: 0, maxItems: DEFAULT_BOUNDS.arrayItems, ...options }),
  Object: <T extends TProperties>(properties: T, options?: ObjectOptions) => TypeBox.Object(properties, { additionalProperties: false, ...options }),
  Record: ((key: TSchema, value: TSchema, options?: ObjectOptions) =>
    TypeBox.Record(key, value, { maxProperties: DEFAULT_BOUNDS.recordEntries, ...options })) as typeof TypeBox.Record,
});

/** `T | null`, with null first so that query-string coercion never turns a null into a value. */
export const Nullable = <T extends TSchema>(schema: T, options?: SchemaOptions) => Type.Union([Type.Null(), schema], options);

/**
 * C0 controls and DEL, and UTF-16 surrogates standing alone (in Unicode mode a class of surrogates
 * matches only unpaired ones). PostgreSQL refuses NUL and lone surrogates in text and JSON, XML feeds
 * cannot carry them, and none has a meaning in a field; multi-line texts keep tab, LF and CR.
 */
export const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDFFF]/u;
/** Single-line values (query and path parameters): every control character. */
export const CONTROL_IN_LINE = /[\u0000-\u001F\u007F]|[\uD800-\uDFFF]/u;
const EVERY_CONTROL_IN_TEXT = new RegExp(CONTROL_IN_TEXT.source, 'gu');

export const withoutControlCharacters = (text: string) => text.replace(EVERY_CONTROL_IN_TEXT, '');

/** A copy of a parsed remote payload with control characters dropped from every string in it. */
export function cleanedOfControlCharacters<T>(value: T): T {
  if (typeof value === 'string') return withoutControlCharacters(value) as T;
  if (Array.isArray(value)) return value.map(cleanedOfControlCharacters) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [withoutControlCharacters(key), cleanedOfControlCharacters(child)])) as T;
  }
  return value;
}

/**
 * A short, single-line excerpt of text that came from outside (a fetched page, a parser's message
 * quoting it): control and format characters become spaces and the rest is cut at `max` characters,
 * so an error message never carries a whole remote answer, terminal escapes or invisible text.
 */
export function excerpt(text: string, max = 200): string {
  const line = text
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const characters = Array.from(line);
  return characters.length <= max ? line : `${characters.slice(0, max - 1).join('')}…`;
}

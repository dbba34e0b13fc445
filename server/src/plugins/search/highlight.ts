import { foldAccents } from '../../shared/fold.ts';

/**
 * The text with every word a query stem found wrapped in <mark>…</mark>, as `ts_headline` with
 * HighlightAll does. The Italian stemmer only cuts endings, so a word matches when its folded form starts
 * with the stem and is at most a long ending longer ("archiv" marks "archivi" and "archiviazione").
 */
export function highlight(text: string, stems: readonly string[]): string {
  if (stems.length === 0) return text;
  return text.replace(/[\p{L}\p{N}]+/gu, (word) => {
    // Folded as `immutable_unaccent` and the Italian dictionary leave a word before stemming.
    const folded = foldAccents(word);
    return stems.some((stem) => folded.startsWith(stem) && folded.length - stem.length <= LONGEST_ENDING) ? `<mark>${word}</mark>` : word;
  });
}

/** "-amento", "-azione", "-azioni", "-mente" and the like, with a plural. */
const LONGEST_ENDING = 7;

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../server/src/paths.ts';
import { CALL_STATUS_LABELS, PROGRAMME_LABELS, SIZE_CLASS_LABELS, VERDICT_LABELS } from '../../server/src/shared/labels.ts';

const LABELLED = { CALL_STATUS_LABELS, PROGRAMME_LABELS, SIZE_CLASS_LABELS, VERDICT_LABELS };
const document = JSON.parse(readFileSync(join(repoRoot, 'server/openapi.json'), 'utf8'));

function enumsOf(node: unknown, found: string[][] = []): string[][] {
  if (Array.isArray(node)) node.forEach((n) => enumsOf(n, found));
  else if (node && typeof node === 'object') {
    const { enum: values, ...rest } = node as Record<string, unknown>;
    if (Array.isArray(values)) found.push(values as string[]);
    Object.values(rest).forEach((n) => enumsOf(n, found));
  }
  return found;
}

describe('the codes people read as words', () => {
  const enums = enumsOf(document);

  it.each(Object.entries(LABELLED))('every API enum that speaks of %s uses only codes that have an Italian word', (_name, labels) => {
    const codes = Object.keys(labels);
    const related = enums.filter((values) => values.filter((v) => codes.includes(v)).length >= 2);
    expect(related.length).toBeGreaterThan(0);
    for (const values of related) expect(values.filter((v) => !codes.includes(v))).toEqual([]);
  });
});

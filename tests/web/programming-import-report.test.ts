// @vitest-environment happy-dom
import { cleanup, render } from '@testing-library/vue';
import { afterEach, describe, expect, it } from 'vitest';
import ProgrammingImportReport from '@/components/ProgrammingImportReport.vue';

afterEach(cleanup);

const report = (figures: { read: number; created?: number; updated?: number; unchanged?: number; rejected?: { line: number; reason: string }[] }) => ({
  format: 'programmazione-csv',
  encoding: 'utf-8',
  superseded: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  rejected: [],
  ...figures,
});
const text = (figures: Parameters<typeof report>[0]) =>
  render(ProgrammingImportReport, { props: { report: report(figures) } })
    .container.textContent!.replace(/\s+/g, ' ')
    .trim();

describe('ProgrammingImportReport', () => {
  it('says when every row of the file was already in the plan, with Italian plurals', () => {
    expect(text({ read: 5, unchanged: 5 })).toBe('Lette 5 righe: tutte invariate, il piano era già uguale al file.');
    cleanup();
    expect(text({ read: 1, unchanged: 1 })).toBe('Letta 1 riga: invariata, il piano era già uguale al file.');
  });

  it('gives the same four figures as the API, and lists each rejected line with its number and reason', () => {
    const shown = text({
      read: 1204,
      created: 1,
      updated: 1200,
      unchanged: 0,
      rejected: [
        { line: 7, reason: 'costo stimato fuori dall\u2019intervallo ammesso' },
        { line: 1205, reason: 'titolo mancante' },
      ],
    });
    expect(shown).toContain('Lette 1.204 righe: 1 intervento aggiunto, 1.200 aggiornati, 0 invariati, 2 righe scartate.');
    expect(shown).toContain('Riga 7: costo stimato fuori dall\u2019intervallo ammesso');
    expect(shown).toContain('Riga 1.205: titolo mancante');
    expect(shown).not.toContain('[object Object]');
  });

  it('reads a single rejected row in the singular', () => {
    const shown = text({ read: 3, created: 2, rejected: [{ line: 4, reason: 'titolo mancante' }] });
    expect(shown).toContain('Lette 3 righe: 2 interventi aggiunti, 0 aggiornati, 0 invariati, 1 riga scartata.');
    expect(shown).toContain('Riga scartata, da correggere nel file e importare di nuovo:');
    expect(shown).toContain('Riga 4: titolo mancante');
  });
});

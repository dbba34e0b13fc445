// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/vue';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Schemas } from '@/api/client';
import ComuneCombobox from '@/components/ComuneCombobox.vue';
import EligibilityRules from '@/components/EligibilityRules.vue';
import { amountBasisNote } from '@/composables/format';

const COMUNI = [
  { istat: '019035', name: 'Crema', provinceSigla: 'CR', regionCode: '03', legalPopulation: 34_144, sizeClass: 'oltre-15000' },
  { istat: '019036', name: 'Cremona', provinceSigla: 'CR', regionCode: '03', legalPopulation: 71_000, sizeClass: 'oltre-15000' },
  { istat: '098019', name: 'Cremosano', provinceSigla: 'CR', regionCode: '03', legalPopulation: 1_700, sizeClass: 'fino-5000' },
];

// The API client keeps the fetch it finds when it is created: the fake one must be there first.
const searches = vi.hoisted(() => {
  const seen: string[] = [];
  globalThis.fetch = (async (input: RequestInfo | URL) => {
    const url = new URL(input instanceof Request ? input.url : String(input), 'http://localhost');
    const q = url.searchParams.get('q') ?? '';
    seen.push(q);
    const items = (globalThis as unknown as { comuni: typeof COMUNI }).comuni.filter((c) => c.name.toLowerCase().startsWith(q.toLowerCase()));
    return new Response(JSON.stringify({ items, total: items.length, limit: 8, offset: 0, _links: { self: { href: url.pathname } } }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
  return seen;
});
(globalThis as unknown as { comuni: typeof COMUNI }).comuni = COMUNI;

afterEach(cleanup);

describe('ComuneCombobox', () => {
  async function type(text: string) {
    const field = screen.getByRole('combobox', { name: 'Scegli il tuo comune' });
    await fireEvent.update(field, text);
    return field;
  }

  it('is a labelled combobox that lists the comuni whose name starts with the letters typed', async () => {
    render(ComuneCombobox, { props: { inputId: 'c', label: 'Scegli il tuo comune' } });
    const field = await type('Crem');
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(3));
    expect(searches.at(-1)).toBe('Crem');
    expect(field.getAttribute('aria-expanded')).toBe('true');
    expect(field.getAttribute('aria-controls')).toBe(screen.getByRole('listbox').id);
    expect(field.getAttribute('aria-describedby')).toBe('c-help');
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['Crema (CR)', 'Cremona (CR)', 'Cremosano (CR)']);
    expect(screen.getByRole('status').textContent).toBe('3 comuni trovati: scegli con le frecce e Invio.');
  });

  it('waits for two letters before searching', async () => {
    render(ComuneCombobox, { props: { inputId: 'c', label: 'Scegli il tuo comune' } });
    const before = searches.length;
    await type('C');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(searches.length).toBe(before);
    expect(screen.queryAllByRole('option')).toHaveLength(0);
  });

  it('moves through the options with the arrow keys and picks one with Enter', async () => {
    const { emitted } = render(ComuneCombobox, { props: { inputId: 'c', label: 'Scegli il tuo comune' } });
    const field = await type('Crem');
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(3));
    await fireEvent.keyDown(field, { key: 'ArrowDown' });
    await fireEvent.keyDown(field, { key: 'ArrowDown' });
    expect(field.getAttribute('aria-activedescendant')).toBe('c-option-1');
    expect(screen.getByRole('option', { name: 'Cremona (CR)' }).getAttribute('aria-selected')).toBe('true');
    await fireEvent.keyDown(field, { key: 'ArrowUp' });
    await fireEvent.keyDown(field, { key: 'ArrowUp' });
    expect(field.getAttribute('aria-activedescendant')).toBe('c-option-2');
    await fireEvent.keyDown(field, { key: 'Enter' });
    expect(emitted().select).toEqual([[COMUNI[2]]]);
    expect((field as HTMLInputElement).value).toBe('Cremosano (CR)');
    expect(field.getAttribute('aria-expanded')).toBe('false');
  });

  it('closes with Escape, and picks with the mouse', async () => {
    const { emitted } = render(ComuneCombobox, { props: { inputId: 'c', label: 'Scegli il tuo comune' } });
    const field = await type('Crem');
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(3));
    await fireEvent.keyDown(field, { key: 'Escape' });
    expect(field.getAttribute('aria-expanded')).toBe('false');
    await fireEvent.keyDown(field, { key: 'ArrowDown' });
    expect(field.getAttribute('aria-expanded')).toBe('true');
    await fireEvent.mouseDown(screen.getByRole('option', { name: 'Crema (CR)' }));
    expect(emitted().select).toEqual([[COMUNI[0]]]);
  });

  it('says so when no comune has that name', async () => {
    render(ComuneCombobox, { props: { inputId: 'c', label: 'Scegli il tuo comune' } });
    await type('Zz');
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Nessun comune il cui nome inizia con «Zz».'));
    expect(screen.getByRole('status').className).not.toContain('visually-hidden');
  });
});

describe('EligibilityRules', () => {
  const base: Schemas['CallEligibility'] = { bodyTypes: ['comune'], aggregation: 'allowed', exclusions: [], conditions: [] };
  const rows = () => screen.getAllByRole('term').map((dt) => [dt.textContent, ...[...dt.parentElement!.querySelectorAll('dd')].map((dd) => dd.textContent)]);

  it('writes every rule of the call in plain Italian, with no codes', () => {
    render(EligibilityRules, {
      props: {
        eligibility: {
          bodyTypes: ['comune', 'unione', 'comunita_montana'],
          population: { min: 1000, max: 5000 },
          territory: { regions: ['03'], provinces: ['CR', 'LO'], comuni: ['019035'] },
          altitudeZones: [1, 3],
          aggregation: 'required',
          exclusions: [
            { kind: 'funded_by_measure', measureCode: '1.4.4' },
            { kind: 'funded_by_avviso', avviso: 'Avviso 1.2 Cloud', description: 'Non partecipa chi ha già migrato al cloud con l’avviso 1.2.' },
            { kind: 'funded_in_earlier_window' },
          ],
          conditions: ['Progetto approvato dalla giunta'],
        },
        comuneNames: { '019035': 'Crema' },
      },
    });
    expect(rows()).toEqual([
      ['Enti ammessi', 'Comuni, unioni di comuni e comunità montane.'],
      ['Popolazione', 'Comuni da 1.000 a 5.000 abitanti (popolazione residente ISTAT).'],
      ['Territorio', 'Regione Lombardia.', 'Province di Cremona e Lodi.', 'Il comune di Crema.'],
      ['Zona altimetrica', 'Solo comuni di montagna interna e collina interna.'],
      [
        'Forma associata',
        'Solo in forma associata: i comuni si candidano insieme, con un’unione, una comunità montana, un ufficio RTD associato o un’altra aggregazione.',
      ],
      [
        'Esclusioni',
        'È escluso chi ha già ottenuto un finanziamento della misura 1.4.4.',
        'Non partecipa chi ha già migrato al cloud con l’avviso 1.2.',
        'È escluso chi è già stato finanziato in una finestra precedente di questo avviso.',
      ],
      ['Altre condizioni, da verificare nel bando', 'Progetto approvato dalla giunta'],
    ]);
  });

  it('shows only the rules the call sets, and counts named comuni it cannot name', () => {
    render(EligibilityRules, {
      props: { eligibility: { ...base, population: { max: 15000 }, territory: { comuni: ['019035', '019036'] }, aggregation: 'not_allowed' } },
    });
    expect(rows()).toEqual([
      ['Enti ammessi', 'Comuni.'],
      ['Popolazione', 'Comuni fino a 15.000 abitanti (popolazione residente ISTAT).'],
      ['Territorio', '2 comuni indicati nel bando.'],
      ['Forma associata', 'Solo domanda singola: non sono ammesse candidature in forma associata.'],
    ]);
  });
});

describe('amountBasisNote', () => {
  it('keeps how a bracket or unit estimate was reached and drops what the figure already says', () => {
    expect(amountBasisNote({ basis: 'fascia 20.001–50.000 abitanti (popolazione residente ISTAT al 31 dicembre 2021: 34.012)' })).toBe(
      'fascia 20.001–50.000 abitanti (popolazione residente ISTAT al 31 dicembre 2021: 34.012)',
    );
    expect(amountBasisNote({ basis: 'importo fisso di 14.000 €' })).toBeNull();
    expect(amountBasisNote({ basis: 'da 10.000 a 60.000 € secondo il progetto' })).toBeNull();
    expect(amountBasisNote(null)).toBeNull();
  });
});

// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/vue';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import RomeDateTimeField from '@/components/RomeDateTimeField.vue';
import ThemePicker from '@/components/ThemePicker.vue';
import { nextWindowOf } from '@/composables/callCopy';
import { parseItalianDateTime } from '@/composables/italianDate';
import { callInput } from '../helpers/calls.ts';

// The API client keeps the fetch it finds when it is created: the fake one must be there first.
vi.hoisted(() => {
  const themes = [
    { code: 'dati', parentCode: null, label: 'Dati', description: null },
    { code: 'dati.open-data', parentCode: 'dati', label: 'Open data', description: null },
    { code: 'piattaforme', parentCode: null, label: 'Piattaforme', description: null },
    { code: 'piattaforme.pagopa', parentCode: 'piattaforme', label: 'pagoPA', description: null },
    { code: 'piattaforme.app-io', parentCode: 'piattaforme', label: 'App IO', description: null },
    { code: 'accessibilita', parentCode: null, label: 'Accessibilità', description: null },
  ];
  globalThis.fetch = (async () =>
    new Response(JSON.stringify({ items: themes, total: themes.length }), { status: 200, headers: { 'content-type': 'application/json' } })) as typeof fetch;
});

beforeEach(() => setActivePinia(createPinia()));
afterEach(cleanup);

describe('ThemePicker', () => {
  const renderPicker = (modelValue: string[] = []) =>
    render(ThemePicker, { props: { id: 'temi', legend: 'Temi', modelValue }, global: { plugins: [createPinia()] } });

  it('groups the themes by area, one box each, and says which are chosen', async () => {
    renderPicker(['piattaforme.pagopa']);
    await screen.findByLabelText('App IO');
    const boxes = (area: string) => [...screen.getByRole('group', { name: area }).querySelectorAll('input[type=checkbox]')].map((c) => c.id);
    expect(boxes('Piattaforme')).toEqual(['temi-piattaforme', 'temi-piattaforme.pagopa', 'temi-piattaforme.app-io']);
    expect(boxes('Dati')).toEqual(['temi-dati', 'temi-dati.open-data']);
    expect(boxes('Accessibilità')).toEqual(['temi-accessibilita']);
    expect((screen.getByLabelText('pagoPA') as HTMLInputElement).checked).toBe(true);
    expect(screen.getByText('Scelti (1): pagoPA')).toBeTruthy();
  });

  it('adds and removes a theme with its box', async () => {
    const { emitted } = renderPicker(['piattaforme.pagopa']);
    await fireEvent.click(await screen.findByLabelText('App IO'));
    await fireEvent.click(screen.getByLabelText('pagoPA'));
    expect(emitted()['update:modelValue']).toEqual([[['piattaforme.pagopa', 'piattaforme.app-io']], [[]]]);
  });

  it('narrows the boxes to the themes whose name matches the search, accents aside, and says when none does', async () => {
    renderPicker();
    await screen.findByLabelText('App IO');
    await fireEvent.update(screen.getByLabelText('Cerca un tema'), 'PAGO');
    expect(screen.getAllByRole('checkbox').map((c) => c.id)).toEqual(['temi-piattaforme', 'temi-piattaforme.pagopa']);
    await fireEvent.update(screen.getByLabelText('Cerca un tema'), 'accessibilita');
    expect(screen.getAllByRole('checkbox').map((c) => c.id)).toEqual(['temi-accessibilita']);
    await fireEvent.update(screen.getByLabelText('Cerca un tema'), 'biblioteche');
    expect(screen.queryAllByRole('checkbox')).toEqual([]);
    expect(screen.getByText('Nessun tema corrisponde a «biblioteche».')).toBeTruthy();
  });
});

describe('dates the Italian way, in Rome time', () => {
  it('reads day, month and year with an optional time, whatever the browser’s zone', () => {
    expect(parseItalianDateTime('31/03/2027 12:00')).toEqual(new Date('2027-03-31T10:00:00Z'));
    expect(parseItalianDateTime('31-3-2027 ore 12.30')).toEqual(new Date('2027-03-31T10:30:00Z'));
    expect(parseItalianDateTime('15 gennaio 2027 alle 9')).toEqual(new Date('2027-01-15T08:00:00Z'));
    expect(parseItalianDateTime('31/03/2027', '23:59')).toEqual(new Date('2027-03-31T21:59:00Z'));
    expect(parseItalianDateTime('2027-03-31T17:00')).toEqual(new Date('2027-03-31T15:00:00Z'));
  });

  it('refuses what is not a date, and reads an empty field as no date', () => {
    expect(parseItalianDateTime('31/02/2027')).toBe('invalid');
    expect(parseItalianDateTime('domani')).toBe('invalid');
    expect(parseItalianDateTime('31/03/2027 25:00')).toBe('invalid');
    expect(parseItalianDateTime('  ')).toBeNull();
  });

  it('shows what the field was read as, and gives the parent the instant', async () => {
    const { emitted } = render(RomeDateTimeField, {
      props: { id: 'chiusura', label: 'Chiusura', modelValue: '2027-01-31T11:00:00.000Z', defaultTime: '23:59' },
    });
    const field = screen.getByLabelText('Chiusura') as HTMLInputElement;
    expect(field.value).toBe('31/01/2027 12:00');
    await fireEvent.update(field, '28/02/2027');
    expect(screen.getByText('domenica 28 febbraio 2027, ore 23:59 (ora di Roma)')).toBeTruthy();
    await fireEvent.change(field);
    expect(emitted()['update:modelValue']).toEqual([['2027-02-28T22:59:00.000Z']]);
    await fireEvent.update(field, '30/02/2027');
    expect(screen.getByText('Data non riconosciuta: scrivi ad esempio 31/03/2027 12:00.')).toBeTruthy();
    expect(field.getAttribute('aria-invalid')).toBe('true');
  });
});

describe('nextWindowOf', () => {
  it('keeps rules, money, themes and links, and leaves the dates, remaining budget and publication date to write', () => {
    const call = callInput({
      publicationDate: '2026-11-02',
      money: { totalBudget: 1_000_000, remainingBudget: 200_000, amount: { kind: 'fixed', amount: 5_000 } },
    });
    const copy = nextWindowOf(call as never);
    expect(copy).toMatchObject({
      title: call.title,
      themes: call.themes,
      eligibility: call.eligibility,
      links: call.links,
      procedure: call.procedure,
      publicationDate: null,
    });
    expect(copy.money).toEqual({ totalBudget: 1_000_000, remainingBudget: null, amount: { kind: 'fixed', amount: 5_000 }, cofinancingShare: null });
    expect(copy.windows).toEqual([{ label: null, opensAt: '', closesAt: null }]);
    copy.themes.push('dati');
    expect(call.themes).not.toContain('dati');
  });
});

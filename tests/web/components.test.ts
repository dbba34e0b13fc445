// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import { afterEach, describe, expect, it } from 'vitest';
import HighlightedText from '@/components/HighlightedText.vue';
import MoneyTable from '@/components/MoneyTable.vue';
import MonthCalendar from '@/components/MonthCalendar.vue';
import OpportunityCard from '@/components/OpportunityCard.vue';
import OpportunityFilters from '@/components/OpportunityFilters.vue';
import type { Schemas } from '@/api/client';

const router = createRouter({
  history: createMemoryHistory(),
  routes: [
    { path: '/bandi/:id', name: 'call', component: { template: '<div />' } },
    { path: '/candidature/:istat/:callId', name: 'application', component: { template: '<div />' } },
    { path: '/:p(.*)*', component: { template: '<div />' } },
  ],
});
const global = { plugins: [router] };
afterEach(cleanup);

function opportunity(over: Partial<Schemas['Opportunity']> = {}): Schemas['Opportunity'] {
  return {
    call: {
      id: '5f0c1a52-8d8e-4c59-9d0b-1c2a3b4c5d6e',
      title: 'Servizi cloud per i comuni',
      issuer: 'Regione Lombardia',
      programme: 'regionale',
      measureCode: null,
      themes: ['cloud'],
      status: 'in_scadenza',
      nextDeadline: '2026-12-05T16:00:00.000Z',
      demo: false,
    },
    verdict: 'eligible_via_aggregation',
    score: 72,
    components: { programming: 20, interests: 10, text: 0, need: 9, urgency: 7, amount: 12 },
    reasons: {
      fundableItems: [
        { id: '1', title: 'Migrazione al cloud' },
        { id: '2', title: 'Backup' },
      ],
      similarItems: [],
      matchedThemes: ['cloud'],
      amountBasis: null,
      daysLeft: 12,
      warnings: ['Scade tra 12 giorni'],
    },
    amount: { min: 10_000, max: 20_000, basis: 'fascia' },
    computedAt: '2026-11-22T10:00:00.000Z',
    ...over,
  };
}

describe('OpportunityCard', () => {
  it('shows the status in words, the deadline with days left, the estimated amount and why it matches', async () => {
    render(OpportunityCard, {
      props: { opportunity: opportunity(), istat: '019035', themeLabel: (code: string) => (code === 'cloud' ? 'Cloud' : code) },
      global,
    });
    const title = screen.getByRole('link', { name: 'Servizi cloud per i comuni' });
    expect(title.getAttribute('href')).toBe('/bandi/5f0c1a52-8d8e-4c59-9d0b-1c2a3b4c5d6e?comune=019035');
    expect(screen.getByText('Stato del bando:').className).toContain('visually-hidden');
    expect(screen.getByText('In scadenza')).toBeTruthy();
    expect(screen.getByText('Solo in forma associata')).toBeTruthy();
    expect(screen.getByText('sabato 5 dicembre 2026, ore 17:00').tagName).toBe('TIME');
    expect(screen.getByText(/mancano 12 giorni/)).toBeTruthy();
    expect(screen.getByText(/da 10\.000 € a 20\.000 €/)).toBeTruthy();
    expect(screen.getByText('Finanzia 2 dei tuoi interventi pianificati')).toBeTruthy();
    expect(screen.getByText('Sui temi che segui: Cloud')).toBeTruthy();
    expect(screen.getByText('Scade tra 12 giorni')).toBeTruthy();
    // The score has one name and says what it is made of.
    const hint = screen.getByText('Che cos’è la pertinenza?');
    expect(hint.tagName).toBe('SUMMARY');
    expect(screen.queryByText(/interventi pianificati che finanzia/)).toBeNull();
    // Opened as a browser opens a <details>: its content is built then.
    const details = hint.parentElement as HTMLDetailsElement;
    details.open = true;
    await fireEvent(details, new Event('toggle'));
    expect(screen.getByText(/interventi pianificati che finanzia: 20 su 30/)).toBeTruthy();
  });

  it('names the one planned intervention it funds, and says when no amount can be estimated', () => {
    const one = opportunity({
      verdict: 'eligible',
      amount: null,
      reasons: { ...opportunity().reasons, fundableItems: [{ id: '1', title: 'Migrazione al cloud' }], warnings: [] },
    });
    render(OpportunityCard, { props: { opportunity: one, istat: '019035', themeLabel: (c: string) => c }, global });
    expect(screen.getByText('Finanzia 1 dei tuoi interventi pianificati: Migrazione al cloud')).toBeTruthy();
    expect(screen.getByText('Ammissibile')).toBeTruthy();
    expect(screen.getByText('non stimabile')).toBeTruthy();
  });
});

describe('OpportunityCard for a near miss', () => {
  it('says what is missing and what the comune can do, instead of a score', () => {
    const near = opportunity({
      verdict: 'near_miss',
      nearMiss: {
        blocking: [{ rule: 'population', outcome: 'fail', message: 'La popolazione (5.038) supera il limite di 5.000 abitanti.' }],
        unblock: 'Con la popolazione legale (4.931) il comune rientrerebbe nel limite.',
      },
    });
    render(OpportunityCard, { props: { opportunity: near, istat: '019005', themeLabel: (c: string) => c }, global });
    expect(screen.getByText('Quasi ammissibile')).toBeTruthy();
    expect(screen.getByText(/supera il limite di 5\.000 abitanti/)).toBeTruthy();
    expect(screen.getByText(/Con la popolazione legale \(4\.931\)/)).toBeTruthy();
    expect(screen.queryByText('Pertinenza:')).toBeNull();
  });
});

describe('OpportunityFilters', () => {
  it('asks for the URL to change when a status, the programme or the order changes', async () => {
    const { emitted } = render(OpportunityFilters, { props: { status: ['aperto'], programme: undefined, verdict: undefined, sort: 'score' } });
    await fireEvent.click(screen.getByLabelText('In scadenza'));
    await fireEvent.click(screen.getByLabelText('Aperto'));
    await fireEvent.update(screen.getByLabelText('Programma'), 'pnrr');
    await fireEvent.update(screen.getByLabelText('Ordina per'), 'deadline');
    expect(emitted().change).toEqual([[{ status: ['aperto', 'in_scadenza'] }], [{ status: [] }], [{ programme: 'pnrr' }], [{ sort: 'deadline' }]]);
  });
});

describe('MoneyTable', () => {
  const money = {
    totalBudget: 1_000_000,
    amount: {
      kind: 'brackets' as const,
      brackets: [
        { populationMin: 0, populationMax: 5000, amount: 23_147 },
        { populationMin: 5001, populationMax: 20_000, amount: 32_589 },
        { populationMin: 20_001, populationMax: null, amount: 59_966 },
      ],
    },
  };

  it('highlights the bracket of the comune and says so to screen readers', () => {
    render(MoneyTable, { props: { money, population: { value: 12_345, label: 'popolazione residente ISTAT al 31 dicembre 2021' } } });
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('aria-current'))).toEqual([null, 'true', null]);
    expect(within(rows[1]!).getByText('(la fascia del comune)')).toBeTruthy();
    expect(within(rows[2]!).getByRole('rowheader').textContent).toBe('oltre 20.000');
    expect(within(rows[0]!).getByRole('rowheader').textContent).toBe('da 0 a 5.000');
    expect(screen.getByText(/evidenziata la fascia del comune \(popolazione residente ISTAT al 31 dicembre 2021: 12\.345 abitanti\)/)).toBeTruthy();
  });

  it('highlights nothing without a population', () => {
    render(MoneyTable, { props: { money, population: null } });
    expect(screen.getAllByRole('row').filter((r) => r.getAttribute('aria-current'))).toEqual([]);
  });
});

describe('HighlightedText', () => {
  it('marks the matched words and shows anything else as text, never as HTML', () => {
    const { container } = render(HighlightedText, { props: { text: 'Bando <mark>archivi</mark> <img src=x onerror=alert(1)> e <mark>cloud</mark>' } });
    expect([...container.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['archivi', 'cloud']);
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toBe('Bando archivi <img src=x onerror=alert(1)> e cloud');
  });
});

describe('MonthCalendar', () => {
  it('puts each deadline on its day, weeks starting on Monday, and moves by month', async () => {
    const { emitted } = render(MonthCalendar, {
      props: { month: '2026-12', entries: [{ day: '2026-12-05', title: 'Servizi cloud', to: '/bandi/1' }] },
      global,
    });
    expect(screen.getByRole('heading').textContent).toBe('dicembre 2026');
    const firstWeek = screen.getAllByRole('row')[1]!;
    // 1 December 2026 is a Tuesday.
    expect(
      within(firstWeek)
        .getAllByRole('cell')
        .map((c) => c.textContent?.trim().split(/\s/)[0] ?? ''),
    ).toEqual(['', '1', '2', '3', '4', '5Servizi', '6']);
    await fireEvent.click(screen.getByRole('button', { name: 'Mese successivo' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Mese precedente' }));
    expect(emitted().move).toEqual([['2027-01'], ['2026-11']]);
  });
});

describe('AppPagination', () => {
  it('shows ten pages around the current one and asks for the offset of the page chosen', async () => {
    const { default: AppPagination } = await import('@/components/AppPagination.vue');
    const { emitted } = render(AppPagination, { props: { total: 500, pageSize: 10, offset: 240 } });
    const buttons = screen.getAllByRole('button');
    expect(buttons.map((b) => b.textContent?.replace('Pagina ', ''))).toEqual(['20', '21', '22', '23', '24', '25', '26', '27', '28', '29']);
    expect(screen.getByRole('button', { current: 'page' }).textContent).toBe('Pagina 25');
    await fireEvent.click(screen.getByRole('button', { name: 'Pagina 29' }));
    expect(emitted().go).toEqual([[280]]);
  });

  it('is not shown for a single page', async () => {
    const { default: AppPagination } = await import('@/components/AppPagination.vue');
    render(AppPagination, { props: { total: 7, pageSize: 10, offset: 0 } });
    expect(screen.queryByRole('navigation')).toBeNull();
  });
});

describe('format', () => {
  it('writes a deadline with its Rome hour, and a size class in words', async () => {
    const { deadlineText, SIZE_CLASS_LABELS } = await import('@/composables/format');
    expect(deadlineText('2027-01-29T11:00:00.000Z')).toBe('venerdì 29 gennaio 2027, ore 12:00');
    expect(deadlineText('2026-07-31T21:59:59.000Z')).toBe('venerdì 31 luglio 2026, ore 23:59');
    expect(SIZE_CLASS_LABELS['fino-5000']).toBe('meno di 5.000 abitanti');
  });

  it('writes counts with their plural form by the Italian plural rules', async () => {
    const { plural, daysLeftText, COMUNI, CALLS } = await import('@/composables/format');
    expect(plural(1, COMUNI)).toBe('1 comune');
    expect(plural(14, COMUNI)).toBe('14 comuni');
    expect(plural(0, CALLS)).toBe('0 bandi');
    expect(plural(5038, CALLS)).toBe('5.038 bandi');
    expect(daysLeftText(1)).toBe('manca 1 giorno');
    expect(daysLeftText(12)).toBe('mancano 12 giorni');
  });
});

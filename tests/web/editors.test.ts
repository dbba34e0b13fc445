// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/vue';
import { createPinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Schemas } from '@/api/client';
import BracketTableEditor from '@/components/BracketTableEditor.vue';
import CallForm from '@/components/CallForm.vue';
import CallRevisionPanel from '@/components/CallRevisionPanel.vue';
import EligibilityRuleEditor from '@/components/EligibilityRuleEditor.vue';
import { useFormErrors } from '@/composables/useFormErrors';

// The API client keeps the fetch it finds when it is created: the fake one must be there first.
const requests = vi.hoisted(() => {
  const seen: string[] = [];
  globalThis.fetch = (async (input: RequestInfo | URL) => {
    const request = input instanceof Request ? input : new Request(String(input));
    seen.push(`${request.method} ${new URL(request.url, 'http://localhost').pathname}`);
    const body = request.url.endsWith('/auth/csrf')
      ? { token: 't' }
      : request.url.endsWith('/themes')
        ? { items: [], total: 0 }
        : { id: 'c1', pendingRevision: null };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return seen;
});

afterEach(cleanup);
const brackets = [
  { populationMin: 0, populationMax: 5000, amount: 23_147 },
  { populationMin: 5001, populationMax: null, amount: 59_966 },
];

describe('BracketTableEditor', () => {
  it('says nothing while the brackets cover every population once', () => {
    render(BracketTableEditor, { props: { modelValue: brackets, errors: useFormErrors() } });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('names the gap, the overlap and the open bracket that is not last, as the editor types', () => {
    render(BracketTableEditor, {
      props: {
        modelValue: [
          { populationMin: 0, populationMax: 3000, amount: 1 },
          { populationMin: 5001, populationMax: 20_000, amount: 2 },
          { populationMin: 15_000, populationMax: null, amount: 3 },
          { populationMin: 30_000, populationMax: 40_000, amount: 4 },
        ],
        errors: useFormErrors(),
      },
    });
    expect(screen.getByRole('alert').textContent).toContain('Nessuna fascia copre i comuni da 3.001 a 5.000 abitanti.');
    expect(screen.getByRole('alert').textContent).toContain('Le fasce da 5.001 e da 15.000 si sovrappongono.');
    expect(screen.getByRole('alert').textContent).toContain('La fascia da 15.000 non ha un massimo ma ne segue un’altra.');
  });

  it('adds a bracket after the last one, edits and removes rows through v-model', async () => {
    const { emitted } = render(BracketTableEditor, { props: { modelValue: [{ populationMin: 0, populationMax: 5000, amount: 10 }], errors: useFormErrors() } });
    await fireEvent.click(screen.getByRole('button', { name: 'Aggiungi una fascia' }));
    await fireEvent.update(screen.getByLabelText('Fascia 1: importo in euro'), '12000');
    await fireEvent.update(screen.getByLabelText('Fascia 1: a abitanti'), '');
    await fireEvent.click(screen.getByRole('button', { name: 'Elimina la fascia 1' }));
    expect(emitted()['update:modelValue']).toEqual([
      [
        [
          { populationMin: 0, populationMax: 5000, amount: 10 },
          { populationMin: 5001, populationMax: null, amount: 0 },
        ],
      ],
      [[{ populationMin: 0, populationMax: 5000, amount: 12000 }]],
      [[{ populationMin: 0, populationMax: null, amount: 10 }]],
      [[]],
    ]);
  });
});

describe('EligibilityRuleEditor', () => {
  const base = { bodyTypes: ['comune'], aggregation: 'allowed' as const, exclusions: [], conditions: [] };

  it('turns body types, population bounds, provinces, excluded measures and conditions into the rule', async () => {
    const { emitted } = render(EligibilityRuleEditor, { props: { modelValue: base, errors: useFormErrors() } });
    await fireEvent.click(screen.getByLabelText('Unioni di comuni'));
    await fireEvent.update(screen.getByLabelText('Abitanti al massimo'), '5000');
    await fireEvent.update(screen.getByLabelText('Province (sigle, es. BG, CR)'), 'bg, cr');
    await fireEvent.change(screen.getByLabelText('Province (sigle, es. BG, CR)'));
    await fireEvent.update(screen.getByLabelText('Esclusi i comuni già finanziati dalle misure (es. 1.4.1)'), '1.4.1, 1.2');
    await fireEvent.change(screen.getByLabelText('Esclusi i comuni già finanziati dalle misure (es. 1.4.1)'));
    await fireEvent.update(screen.getByLabelText('Altre condizioni (una per riga, mostrate ai comuni)'), 'Delibera di giunta\n\n Progetto esecutivo ');
    await fireEvent.change(screen.getByLabelText('Altre condizioni (una per riga, mostrate ai comuni)'));
    const updates = (emitted()['update:modelValue'] as unknown[][]).map(([value]) => value);
    expect(updates).toContainEqual({ ...base, bodyTypes: ['comune', 'unione'] });
    expect(updates).toContainEqual({ ...base, population: { max: 5000 } });
    expect(updates).toContainEqual({ ...base, territory: { provinces: ['BG', 'CR'] } });
    expect(updates).toContainEqual({
      ...base,
      exclusions: [
        { kind: 'funded_by_measure', measureCode: '1.4.1' },
        { kind: 'funded_by_measure', measureCode: '1.2' },
      ],
    });
    expect(updates).toContainEqual({ ...base, conditions: ['Delibera di giunta', 'Progetto esecutivo'] });
  });

  it('shows the server’s message about the population next to its upper bound', async () => {
    const errors = useFormErrors();
    render(EligibilityRuleEditor, { props: { modelValue: base, errors } });
    errors.show([{ field: 'eligibility.population', message: 'Il minimo supera il massimo.' }]);
    await waitFor(() => expect(screen.getByLabelText('Abitanti al massimo').getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByLabelText('Abitanti al massimo').getAttribute('aria-describedby')).toBe('population-max-error');
    expect(document.getElementById('population-max-error')?.textContent).toBe('Errore: Il minimo supera il massimo.');
  });
});

describe('CallRevisionPanel', () => {
  const revision = (over: Partial<Schemas['CallRevision']> = {}): Schemas['CallRevision'] => ({
    id: 'r1',
    status: 'in_review',
    content: {} as Schemas['CallInput'],
    changes: { title: { from: 'Vecchio', to: 'Nuovo' }, money: { from: null, to: null } },
    authors: [{ id: 'u1', name: 'Chiara' }],
    source: null,
    submittedBy: { id: 'u1', name: 'Chiara' },
    approvedBy: null,
    createdAt: '2026-11-22T10:00:00.000Z',
    updatedAt: '2026-11-22T10:00:00.000Z',
    allowedActions: ['approve', 'discard'],
    ...over,
  });

  it('says the public still sees the published version, what will change, and offers only what the API allows', () => {
    render(CallRevisionPanel, { props: { callId: 'c1', revision: revision() } });
    expect(screen.getByRole('heading', { name: 'Modifiche in attesa di revisione' })).toBeTruthy();
    expect(screen.getByText('In revisione: serve l’approvazione di un altro redattore')).toBeTruthy();
    expect(screen.getByText(/Il pubblico vede ancora la versione pubblicata\.\s+Cambieranno: titolo, importi e risorse\./)).toBeTruthy();
    expect(screen.getByText(/Scritte da Chiara/).textContent).toContain('inviate in revisione da Chiara');
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Approva le modifiche', 'Scarta le modifiche']);
    expect(screen.queryByRole('button', { name: 'Pubblica le modifiche' })).toBeNull();
  });

  it('submits the revision through the API and hands the call back with a message', async () => {
    const { emitted } = render(CallRevisionPanel, {
      props: { callId: 'c1', revision: revision({ status: 'draft', submittedBy: null, allowedActions: ['submit', 'discard'] }) },
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Invia in revisione' }));
    await waitFor(() => expect(emitted().changed).toBeTruthy());
    expect(requests).toContain('POST /api/v1/calls/c1/revision/submit');
    expect(emitted().changed![0]).toEqual([{ id: 'c1', pendingRevision: null }, 'Modifiche inviate in revisione.']);
  });
});

describe('CallForm', () => {
  it('names what saving does, and says it next to the button', () => {
    const input = {
      title: 'Avviso',
      summary: null,
      issuer: 'Regione Lombardia',
      programme: { kind: 'regionale', code: null },
      themes: [],
      eligibility: { bodyTypes: ['comune'], aggregation: 'allowed', exclusions: [], conditions: [] },
      money: { totalBudget: null, amount: null },
      procedure: 'sportello',
      windows: [{ label: null, opensAt: '2026-12-01T09:00:00.000Z', closesAt: null }],
      links: [],
    } as Schemas['CallInput'];
    const hint = 'Le modifiche saranno visibili dopo la revisione di un altro redattore.';
    render(CallForm, {
      props: { initial: input, errors: useFormErrors(), busy: false, saveLabel: 'Salva la revisione', saveHint: hint },
      global: { plugins: [createPinia()] },
    });
    expect(screen.queryByRole('button', { name: 'Salva la bozza' })).toBeNull();
    const button = screen.getByRole('button', { name: 'Salva la revisione' });
    expect(document.getElementById(button.getAttribute('aria-describedby')!)?.textContent).toBe(hint);
  });
});

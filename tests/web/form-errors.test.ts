// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/vue';
import { createPinia } from 'pinia';
import { defineComponent, h } from 'vue';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type Schemas } from '@/api/client';
import AppErrorSummary from '@/components/AppErrorSummary.vue';
import CallForm from '@/components/CallForm.vue';
import { fieldKey, useFormErrors } from '@/composables/useFormErrors';

// The themes store asks for the themes: the fake fetch answers before the API client is created.
vi.hoisted(() => {
  globalThis.fetch = (async () =>
    new Response(JSON.stringify({ items: [] }), { status: 200, headers: { 'content-type': 'application/json' } })) as typeof fetch;
});
afterEach(cleanup);

const input = (): Schemas['CallInput'] => ({
  title: 'Avviso',
  summary: null,
  issuer: 'Regione Lombardia',
  programme: { kind: 'regionale', code: null },
  themes: [],
  eligibility: { bodyTypes: ['comune'], aggregation: 'allowed', exclusions: [], conditions: [] },
  money: {
    totalBudget: 9000,
    amount: {
      kind: 'brackets',
      brackets: [
        { populationMin: 0, populationMax: 5000, amount: 1 },
        { populationMin: 6000, populationMax: null, amount: 2 },
      ],
    },
  },
  procedure: 'sportello',
  windows: [{ label: null, opensAt: '2026-12-01T09:00:00.000Z', closesAt: null }],
  links: [],
});

/** The call editor's column: the summary above the form, one set of errors for both. */
function renderEditor() {
  const errors = useFormErrors();
  const saved: Schemas['CallInput'][] = [];
  const Editor = defineComponent(() => () => [
    h(AppErrorSummary, { form: errors }),
    h(CallForm, { initial: input(), errors, busy: false, onSave: (value: Schemas['CallInput']) => saved.push(JSON.parse(JSON.stringify(value))) }),
  ]);
  render(Editor, { global: { plugins: [createPinia()] } });
  return { errors, saved };
}

describe('fieldKey', () => {
  it('writes every path the API may name the way forms register them', () => {
    expect(fieldKey('body.links.0.label')).toBe('links[0].label');
    expect(fieldKey('body.money.amount.brackets[2].populationMax')).toBe('money.amount.brackets[2].populationMax');
    expect(fieldKey('querystring.region')).toBe('region');
  });
});

describe('a form that the API refuses', () => {
  it('puts each message beside its control and lists them all, as links, in a summary that takes the focus', async () => {
    document.title = 'Nuovo bando · Cruscotto digitale dei comuni';
    const { errors } = renderEditor();
    await fireEvent.click(screen.getByRole('button', { name: 'Aggiungi un documento' }));
    await fireEvent.update(screen.getByLabelText(/^Indirizzo del documento 1/), 'https://example.org/avviso.pdf');
    errors.fail(
      new ApiError(422, {
        detail: 'Alcuni dati della richiesta non sono validi.',
        errors: [
          { field: 'body.links[0].label', message: 'Deve contenere almeno 1 carattere.' },
          { field: 'body.money.amount.brackets[1].populationMin', message: 'Buco tra le fasce 1 e 2: nessun importo da 5.001 a 5.999 abitanti.' },
          { field: 'body.eligibility.territory.regions[0]', message: 'Non è nel formato atteso.' },
          { field: 'body.windows', message: 'Una procedura «sportello» ha una sola finestra.' },
        ],
      }),
    );
    const summary = await waitFor(() => screen.getByRole('heading', { name: 'Correggi questi errori' }).closest('.error-summary') as HTMLElement);
    await waitFor(() => expect(document.activeElement).toBe(summary));
    expect(document.title).toBe('Errore: Nuovo bando · Cruscotto digitale dei comuni');
    const links = [...summary.querySelectorAll('a')].map((a) => [a.textContent, a.getAttribute('href')]);
    expect(links).toEqual([
      ['Titolo del documento 1: Deve contenere almeno 1 carattere.', '#link-0-label'],
      ['Fascia 2: da abitanti: Buco tra le fasce 1 e 2: nessun importo da 5.001 a 5.999 abitanti.', '#bracket-1-min'],
      ['Regioni (codici ISTAT, es. 03): Non è nel formato atteso.', '#territory-regions'],
      ['Apertura finestra 1: Una procedura «sportello» ha una sola finestra.', '#window-0-opens'],
    ]);
    const title = screen.getByLabelText(/^Titolo del documento 1/);
    expect(title.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(title.getAttribute('aria-describedby')!)?.textContent).toBe('Errore: Deve contenere almeno 1 carattere.');
    expect(screen.getByLabelText('Fascia 2: da abitanti').getAttribute('aria-invalid')).toBe('true');
    await fireEvent.click(summary.querySelector('a')!);
    expect(document.activeElement).toBe(title);
    errors.clear();
    await waitFor(() => expect(document.title).toBe('Nuovo bando · Cruscotto digitale dei comuni'));
  });

  it('does not send a document row added and left blank', async () => {
    const { saved } = renderEditor();
    await fireEvent.click(screen.getByRole('button', { name: 'Aggiungi un documento' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Salva la bozza' }));
    expect(saved[0]?.links).toEqual([]);
    expect(screen.queryByLabelText('Titolo del documento 1')).toBeNull();
  });

  it('shows money with the Italian thousands dot and reads it back', async () => {
    const { saved } = renderEditor();
    const total = screen.getByLabelText('Dotazione complessiva (€)') as HTMLInputElement;
    expect(total.value).toBe('9.000');
    await fireEvent.update(total, '1.250.000');
    await fireEvent.click(screen.getByRole('button', { name: 'Salva la bozza' }));
    expect(saved[0]?.money.totalBudget).toBe(1_250_000);
  });

  it('shows a refusal without fields as the one item of the summary', async () => {
    const errors = useFormErrors();
    render(AppErrorSummary, { props: { form: errors } });
    errors.fail(new ApiError(409, { detail: 'Esiste già un tema con questo codice.' }));
    await waitFor(() => expect(screen.getByRole('heading', { name: 'Correggi questo errore' })).toBeTruthy());
    expect(screen.getByText('Esiste già un tema con questo codice.')).toBeTruthy();
  });
});

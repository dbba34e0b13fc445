// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/vue';
import { afterEach, describe, expect, it } from 'vitest';
import BracketTableEditor from '@/components/BracketTableEditor.vue';
import EligibilityRuleEditor from '@/components/EligibilityRuleEditor.vue';

afterEach(cleanup);
const brackets = [
  { populationMin: 0, populationMax: 5000, amount: 23_147 },
  { populationMin: 5001, populationMax: null, amount: 59_966 },
];

describe('BracketTableEditor', () => {
  it('says nothing while the brackets cover every population once', () => {
    render(BracketTableEditor, { props: { modelValue: brackets } });
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
      },
    });
    expect(screen.getByRole('alert').textContent).toContain('Nessuna fascia copre i comuni da 3001 a 5000 abitanti.');
    expect(screen.getByRole('alert').textContent).toContain('Le fasce da 5001 e da 15000 si sovrappongono.');
    expect(screen.getByRole('alert').textContent).toContain('La fascia da 15000 non ha un massimo ma ne segue un’altra.');
  });

  it('adds a bracket after the last one, edits and removes rows through v-model', async () => {
    const { emitted } = render(BracketTableEditor, { props: { modelValue: [{ populationMin: 0, populationMax: 5000, amount: 10 }] } });
    await fireEvent.click(screen.getByRole('button', { name: 'Aggiungi una fascia' }));
    await fireEvent.update(screen.getByLabelText('Fascia 1: importo in euro'), '12000');
    await fireEvent.update(screen.getByLabelText('Fascia 1: a abitanti'), '');
    await fireEvent.click(screen.getByRole('button', { name: 'Elimina la fascia 1' }));
    expect(emitted()['update:modelValue']).toEqual([
      [[{ populationMin: 0, populationMax: 5000, amount: 10 }, { populationMin: 5001, populationMax: null, amount: 0 }]],
      [[{ populationMin: 0, populationMax: 5000, amount: 12000 }]],
      [[{ populationMin: 0, populationMax: null, amount: 10 }]],
      [[]],
    ]);
  });
});

describe('EligibilityRuleEditor', () => {
  const base = { bodyTypes: ['comune'], aggregation: 'allowed' as const, exclusions: [], conditions: [] };

  it('turns body types, population bounds, provinces, excluded measures and conditions into the rule', async () => {
    const { emitted } = render(EligibilityRuleEditor, { props: { modelValue: base, errors: {} } });
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
    expect(updates).toContainEqual({ ...base, exclusions: [{ kind: 'funded_by_measure', measureCode: '1.4.1' }, { kind: 'funded_by_measure', measureCode: '1.2' }] });
    expect(updates).toContainEqual({ ...base, conditions: ['Delibera di giunta', 'Progetto esecutivo'] });
  });

  it('shows the server’s message next to the population field', () => {
    render(EligibilityRuleEditor, { props: { modelValue: base, errors: { 'eligibility.population': 'Il minimo supera il massimo.' } } });
    expect(screen.getByLabelText('Abitanti al massimo').getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById('population-error')?.textContent).toBe('Il minimo supera il massimo.');
  });
});

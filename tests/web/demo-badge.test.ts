// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import { afterEach, describe, expect, it } from 'vitest';
import DemoBadge from '@/components/DemoBadge.vue';
import OpportunityCard from '@/components/OpportunityCard.vue';
import type { Schemas } from '@/api/client';

const router = createRouter({
  history: createMemoryHistory(),
  routes: [
    { path: '/candidature/:istat/:callId', name: 'application', component: { template: '<div />' } },
    { path: '/:p(.*)*', name: 'call', component: { template: '<div />' } },
  ],
});
afterEach(cleanup);

const opportunity = (demo: boolean): Schemas['Opportunity'] => ({
  call: {
    id: '5f0c1a52-8d8e-4c59-9d0b-1c2a3b4c5d6e',
    title: 'Servizi cloud per i comuni',
    issuer: 'Regione Lombardia',
    programme: 'regionale',
    measureCode: null,
    themes: [],
    status: 'aperto',
    nextDeadline: null,
    demo,
  },
  verdict: 'eligible',
  score: 50,
  components: {},
  reasons: { fundableItems: [], similarItems: [], matchedThemes: [], amountBasis: null, daysLeft: null, warnings: [] },
  amount: null,
  computedAt: '2026-11-22T10:00:00.000Z',
});

describe('DemoBadge', () => {
  it('says "dimostrativo", and to screen readers and on hover that the call is an example', () => {
    render(DemoBadge);
    const badge = screen.getByText('dimostrativo');
    expect(badge.getAttribute('title')).toBe('Bando di esempio, non reale');
    expect(screen.getByText('(bando di esempio, non reale)', { exact: false }).className).toContain('visually-hidden');
  });
});

describe('OpportunityCard and the demo flag', () => {
  it('labels a demo call "dimostrativo" and a real one not', async () => {
    render(OpportunityCard, { props: { opportunity: opportunity(true), istat: '019035', themeLabel: (c: string) => c }, global: { plugins: [router] } });
    expect(screen.getByText('dimostrativo')).toBeTruthy();
    cleanup();
    render(OpportunityCard, { props: { opportunity: opportunity(false), istat: '019035', themeLabel: (c: string) => c }, global: { plugins: [router] } });
    expect(screen.queryByText('dimostrativo')).toBeNull();
  });
});

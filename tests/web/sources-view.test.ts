// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Schemas } from '@/api/client';
import SourcesView from '@/views/SourcesView.vue';

const source = (over: Partial<Schemas['IngestSource']>): Schemas['IngestSource'] => ({
  id: '5f0c1a52-8d8e-4c59-9d0b-1c2a3b4c5d6e',
  name: 'Fonte',
  kind: 'padigitale2026',
  location: 'https://example.it/avvisi.csv',
  everyMinutes: 1440,
  trusted: false,
  enabled: true,
  lastRun: null,
  newestRecordAt: null,
  lastSuccessAt: null,
  lastError: null,
  late: false,
  ...over,
});

// The API client keeps the fetch it finds when it is created: the fake one must be there first.
const answers = vi.hoisted(() => {
  const byPath: Record<string, unknown> = {};
  globalThis.fetch = (async (input: RequestInfo | URL) => {
    const request = input instanceof Request ? input : new Request(String(input));
    const body = byPath[new URL(request.url, 'http://localhost').pathname] ?? {};
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return byPath;
});

const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', name: 'editorial', component: { template: '<div />' } }] });
afterEach(cleanup);

describe('SourcesView', () => {
  it('shows each source’s freshness, its last error with the time, and "in ritardo" only for late sources', async () => {
    answers['/api/v1/ingest/sources'] = {
      items: [
        source({
          name: 'PA digitale 2026 - avvisi',
          late: true,
          newestRecordAt: '2026-11-20T09:00:00.000Z',
          lastSuccessAt: '2026-11-29T02:00:00.000Z',
          lastError: { at: '2026-11-30T02:00:00.000Z', message: 'la fonte ha risposto 503 Service Unavailable' },
        }),
        source({ id: '6f0c1a52-8d8e-4c59-9d0b-1c2a3b4c5d6e', name: 'Caricamenti a mano', kind: 'csv', everyMinutes: null }),
      ],
      total: 2,
    };
    answers['/api/v1/ingest/runs'] = { items: [], total: 0, limit: 20, offset: 0, _links: { self: { href: '/api/v1/ingest/runs' } } };
    render(SourcesView, { global: { plugins: [router] } });
    const late = await screen.findByRole('row', { name: /PA digitale 2026 - avvisi/ });
    expect(within(late).getByText('in ritardo')).toBeTruthy();
    expect(within(late).getByText('ogni giorno')).toBeTruthy();
    expect(within(late).getByText('venerdì 20 novembre 2026 alle ore 10:00')).toBeTruthy();
    expect(within(late).getByText(/lunedì 30 novembre 2026 alle ore 03:00: la fonte ha risposto 503/)).toBeTruthy();
    const manual = screen.getByRole('row', { name: /Caricamenti a mano/ });
    expect(within(manual).queryByText('in ritardo')).toBeNull();
    expect(within(manual).getByText('solo a mano')).toBeTruthy();
    expect(within(manual).getByText('nessuna')).toBeTruthy();
  });

  it('names the kind of each source and import in words, never by its code', async () => {
    answers['/api/v1/ingest/sources'] = { items: [source({ name: 'Avvisi ministeriali' })], total: 1 };
    const run = {
      id: 'r1',
      sourceId: null,
      location: 'seeds/avvisi-pnrr.ts',
      status: 'succeeded',
      seen: 24,
      created: 0,
      updated: 0,
      unchanged: 24,
      failed: 0,
      failures: [],
      error: null,
      startedAt: '2026-11-30T03:35:00.000Z',
      finishedAt: '2026-11-30T03:35:02.000Z',
    };
    answers['/api/v1/ingest/runs'] = {
      items: [
        { ...run, kind: 'curated:avvisi-pnrr' },
        { ...run, id: 'r2', kind: 'demo' },
      ],
      total: 2,
      limit: 20,
      offset: 0,
      _links: { self: { href: '/api/v1/ingest/runs' } },
    };
    render(SourcesView, { global: { plugins: [router] } });
    const row = await screen.findByRole('row', { name: /Avvisi ministeriali/ });
    expect(within(row).getByText('PA digitale 2026: avvisi')).toBeTruthy();
    expect(await screen.findByText('Avvisi PNRR curati dalla redazione')).toBeTruthy();
    expect(screen.getByText('Catalogo dimostrativo')).toBeTruthy();
    expect(screen.queryByText(/curated:|padigitale2026/)).toBeNull();
  });
});

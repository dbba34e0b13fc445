// @vitest-environment happy-dom
import { createApp } from 'vue';
import { describe, expect, it, vi } from 'vitest';
import { api, unwrap } from '@/api/client';
import { mountInStages } from '@/composables/firstLoad';
import { Shell } from './chained-page.ts';

// The page as the server writes it (server/src/plugins/first-answers.ts), before the SPA's modules run;
// every request that reaches the network is recorded.
const network = vi.hoisted(() => {
  const answers = {
    '/api/v1/themes': { items: [{ code: 'cloud', label: 'Cloud' }] },
    '/api/v1/comuni/019035': { istat: '019035', name: 'Crema' },
    '/api/v1/comuni?limit=100&aggregation=unione-1': { items: [], total: 0 },
  };
  const script = document.createElement('script');
  script.id = 'first-answers';
  script.type = 'application/json';
  script.textContent = JSON.stringify({ complete: true, answers });
  document.head.append(script);
  const requested: string[] = [];
  globalThis.fetch = ((input: Request) => {
    requested.push(new URL(input.url).pathname + new URL(input.url).search);
    return Promise.resolve(
      new Response(JSON.stringify({ istat: '019035', name: 'Crema (dalla rete)' }), { status: 200, headers: { 'content-type': 'application/json' } }),
    );
  }) as typeof fetch;
  return { requested };
});

const microtasks = async (n = 50) => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

describe('a page whose answers the server wrote into it', () => {
  it('finds an answer whatever the order of the query’s parameters, and uses each once', async () => {
    const page = await unwrap(api.GET('/comuni', { params: { query: { aggregation: 'unione-1', limit: 100 } } }));
    expect(page).toEqual({ items: [], total: 0 });
    expect(network.requested).toEqual([]);
    await unwrap(api.GET('/comuni', { params: { query: { aggregation: 'unione-1', limit: 100 } } }));
    expect(network.requested).toEqual(['/api/v1/comuni?aggregation=unione-1&limit=100']);
  });

  it('is built and shown whole in the task that runs the scripts, without a request of its own', async () => {
    network.requested.length = 0;
    let taskEnded = false;
    setTimeout(() => (taskEnded = true), 0);
    const root = document.createElement('div');
    document.body.append(root);
    void mountInStages(createApp(Shell), root);
    await microtasks();
    expect(taskEnded).toBe(false);
    expect(root.hidden).toBe(false);
    expect(root.textContent).toBe('CruscottoCrema');
    expect(network.requested).toEqual([]);
  });

  it('asks the network once the first page is drawn: a later page never gets an answer written for the first', async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    network.requested.length = 0;
    expect(await unwrap(api.GET('/comuni/{istat}', { params: { path: { istat: '019035' } } }))).toEqual({ istat: '019035', name: 'Crema (dalla rete)' });
    expect(network.requested).toEqual(['/api/v1/comuni/019035']);
  });
});

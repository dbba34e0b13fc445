// @vitest-environment happy-dom
import { createApp } from 'vue';
import { describe, expect, it, vi } from 'vitest';
import { mountInStages, pageBuilt } from '@/composables/firstLoad';
import { Shell } from './chained-page.ts';

// Each API call waits until the test answers it.
const pending = vi.hoisted(() => {
  const answers: ((body: unknown) => void)[] = [];
  globalThis.fetch = (() =>
    new Promise<Response>((resolve) =>
      answers.push((body) => resolve(new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } }))),
    )) as typeof fetch;
  return answers;
});

const waitFor = async (condition: () => boolean, ms = 2000) => {
  for (const start = Date.now(); !condition(); await new Promise((r) => setTimeout(r, 5))) if (Date.now() - start > ms) throw new Error('timed out');
};

describe('the first load', () => {
  it('shows the page once, whole, after its chained requests answered', async () => {
    pageBuilt.value = false;
    const root = document.createElement('div');
    document.body.append(root);
    const shown = mountInStages(createApp(Shell), root);
    await waitFor(() => pending.length === 1);
    expect(root.hidden).toBe(true);
    expect(root.textContent).toBe('Cruscottocaricamento…');
    pending.shift()!({ items: [] });
    await waitFor(() => pending.length === 1);
    expect(root.hidden).toBe(true);
    pending.shift()!({ istat: '019035', name: 'Crema' });
    await shown;
    expect(root.hidden).toBe(false);
    expect(root.textContent).toBe('CruscottoCrema');
  });

  it('shows the page with its loading message when an answer takes long', async () => {
    pageBuilt.value = false;
    const root = document.createElement('div');
    document.body.append(root);
    const started = Date.now();
    await mountInStages(createApp(Shell), root);
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(root.hidden).toBe(false);
    expect(root.textContent).toBe('Cruscottocaricamento…');
    pending.splice(0).forEach((answer) => answer({ items: [] }));
  });
});

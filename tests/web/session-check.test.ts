// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// The session check hangs until a test answers it; every other API call answers an empty page.
const sessionCheck = vi.hoisted(() => {
  const state = { answer: null as null | ((me: unknown) => void), calls: 0 };
  globalThis.fetch = (async (input: RequestInfo | URL) => {
    const url = new URL(input instanceof Request ? input.url : String(input), 'http://localhost');
    const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    if (url.pathname === '/api/v1/auth/session') {
      state.calls += 1;
      return new Promise<Response>((resolve) => (state.answer = (me) => resolve(json({ me }))));
    }
    return json({ items: [], total: 0, limit: 9, offset: 0, _links: { self: { href: url.pathname } } });
  }) as typeof fetch;
  return state;
});

const { router } = await import('@/router/index');
// Loaded before the tests, so that only the session check can hold a navigation back.
await Promise.all([import('@/views/SearchView.vue'), import('@/views/ProfileView.vue'), import('@/views/LoginView.vue')]);
const settled = async (navigation: Promise<unknown>) =>
  Promise.race([navigation.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 300))]);

describe('the first page of a visit', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    localStorage.clear();
    sessionCheck.answer = null;
  });

  it('is drawn for an anonymous visitor without waiting for the session check', async () => {
    expect(await settled(router.push('/cerca'))).toBe(true);
    expect(router.currentRoute.value.name).toBe('search');
    expect(sessionCheck.answer).not.toBeNull();
    sessionCheck.answer!(null);
  });

  it('waits for the session check when this browser was signed in, so a signed-in RTD never sees the front door first', async () => {
    localStorage.setItem('cruscotto:signed-in', '1');
    const navigation = router.push('/');
    expect(await settled(navigation)).toBe(false);
    sessionCheck.answer!({ user: { id: 1, name: 'Giulia', email: 'g@x.it', role: 'rtd' }, permissions: [], memberships: [], comuni: [] });
    await navigation;
    expect(router.currentRoute.value.name).toBe('opportunities');
  });

  it('waits for the session check on a private page, and forgets the hint when nobody is signed in', async () => {
    localStorage.setItem('cruscotto:signed-in', '1');
    const navigation = router.push('/profilo');
    expect(await settled(navigation)).toBe(false);
    sessionCheck.answer!(null);
    await navigation;
    expect(router.currentRoute.value.name).toBe('login');
    expect(localStorage.getItem('cruscotto:signed-in')).toBeNull();
  });

  it('takes someone the check finds signed in from the front door to their opportunities (back from SPID in a fresh browser)', async () => {
    expect(await settled(router.push('/'))).toBe(true);
    expect(router.currentRoute.value.name).toBe('home');
    sessionCheck.answer!({ user: { id: 1, name: 'Giulia', email: 'g@x.it', role: 'rtd' }, permissions: [], memberships: [], comuni: [] });
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('opportunities'));
    expect(localStorage.getItem('cruscotto:signed-in')).toBe('1');
  });
});

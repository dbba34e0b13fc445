import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, forgetCsrfToken, unwrap, type Schemas } from '@/api/client';
import { byItalianName } from '@/composables/format';

/** Remembered in the browser after a session check found someone signed in (see `ensureLoaded`). */
const SIGNED_IN_HINT = 'cruscotto:signed-in';

function remember(signedIn: boolean): void {
  try {
    if (signedIn) localStorage.setItem(SIGNED_IN_HINT, '1');
    else localStorage.removeItem(SIGNED_IN_HINT);
  } catch {
    // Storage refused (private browsing, quota): every page then waits for the session check.
  }
}

function remembered(): boolean {
  try {
    return localStorage.getItem(SIGNED_IN_HINT) === '1';
  } catch {
    return true;
  }
}

export interface ComuneChoice {
  istat: string;
  name: string;
}

/** Who is signed in, what they may do, and which comuni they serve. */
export const useSessionStore = defineStore('session', () => {
  const me = ref<Schemas['Me'] | null>(null);
  const loaded = ref(false);
  const comuni = ref<ComuneChoice[]>([]);

  let checking: Promise<void> | null = null;

  async function load() {
    me.value = (await unwrap(api.GET('/auth/session'))).me;
    comuni.value = me.value ? await comuniOf(me.value) : [];
    loaded.value = true;
    remember(me.value !== null);
  }

  /** The first session check of the page, shared by every caller; a failed check is tried again next time. */
  function ensureLoaded(): Promise<void> {
    checking ??= load().catch((error: unknown) => {
      checking = null;
      throw error;
    });
    return checking;
  }

  /**
   * Whether this browser was signed in at its last session check. Only then does a public page wait
   * for the check before drawing: an anonymous visitor sees the page one round trip sooner.
   */
  const maybeSignedIn = () => me.value !== null || remembered();

  async function login(email: string, password: string) {
    forgetCsrfToken();
    await unwrap(api.POST('/auth/login', { body: { email, password } }));
    forgetCsrfToken();
    await load();
  }

  async function logout() {
    await unwrap(api.POST('/auth/logout'));
    forgetCsrfToken();
    me.value = null;
    comuni.value = [];
    remember(false);
  }

  const can = (permission: string) => me.value?.permissions.includes(permission) ?? false;
  const role = computed(() => me.value?.user.role ?? null);
  return { me, loaded, comuni, role, load, ensureLoaded, maybeSignedIn, login, logout, can };
});

/** The comuni a user serves, with their names: directly, or through an associated office. */
async function comuniOf(me: Schemas['Me']): Promise<ComuneChoice[]> {
  const named = new Map<string, string>();
  for (const m of me.memberships) if (m.comune) named.set(m.comune.istat, m.comune.name);
  for (const m of me.memberships) {
    if (!m.aggregation) continue;
    const page = await unwrap(api.GET('/comuni', { params: { query: { aggregation: m.aggregation.id, limit: 100 } } }));
    for (const c of page.items) if (me.comuni.includes(c.istat)) named.set(c.istat, c.name);
  }
  return [...named].map(([istat, name]) => ({ istat, name })).sort((a, b) => byItalianName(a.name, b.name));
}

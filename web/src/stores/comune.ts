import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { api, unwrap } from '@/api/client';
import { useSessionStore, type ComuneChoice } from './session';

const KEY = 'cruscotto.comune';

/** The comune the user is looking at: remembered across visits, one of theirs when they are scoped. */
export const useComuneStore = defineStore('comune', () => {
  const session = useSessionStore();
  const current = ref<ComuneChoice | null>(null);

  function choose(comune: ComuneChoice) {
    current.value = comune;
    localStorage.setItem(KEY, JSON.stringify(comune));
  }

  function restore() {
    const saved = localStorage.getItem(KEY);
    const remembered = saved ? (JSON.parse(saved) as ComuneChoice) : null;
    const mine = session.comuni;
    if (session.me?.scoped) current.value = mine.find((c) => c.istat === remembered?.istat) ?? mine[0] ?? null;
    else current.value = remembered;
  }

  /** A link naming a comune (from a feed or an e-mail) opens on it, if the user may see it. */
  async function chooseByIstat(istat: string) {
    if (current.value?.istat === istat) return;
    const mine = session.comuni.find((c) => c.istat === istat);
    if (mine) return choose(mine);
    if (session.me?.scoped) return;
    const comune = await unwrap(api.GET('/comuni/{istat}', { params: { path: { istat } } })).catch(() => null);
    if (comune) choose({ istat: comune.istat, name: comune.name });
  }

  watch(() => session.me?.user.id, restore, { immediate: true });
  return { current, choose, restore, chooseByIstat };
});

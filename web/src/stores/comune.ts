import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
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

  watch(() => session.me?.user.id, restore, { immediate: true });
  return { current, choose, restore };
});

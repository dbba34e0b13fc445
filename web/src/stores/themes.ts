import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, unwrap, type Schemas } from '@/api/client';

/** The theme catalogue, loaded once: codes are shown by their Italian labels. */
export const useThemesStore = defineStore('themes', () => {
  const themes = ref<Schemas['Theme'][]>([]);
  let loading: Promise<void> | null = null;
  function ensure() {
    loading ??= unwrap(api.GET('/themes')).then((list) => void (themes.value = list.items));
    return loading;
  }
  // A getter holding a plain function: a function returned by the store would be wrapped as an action,
  // with its bookkeeping on every chip of every card.
  const label = computed(() => {
    const labels = new Map(themes.value.map((t) => [t.code, t.label]));
    return (code: string) => labels.get(code) ?? code;
  });
  return { themes, ensure, label };
});

import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, unwrap, type Schemas } from '@/api/client';

/** The theme catalogue, loaded once: codes are shown by their Italian labels. */
export const useThemesStore = defineStore('themes', () => {
  const themes = ref<Schemas['Theme'][]>([]);
  let loading: Promise<void> | null = null;
  function ensure() {
    loading ??= unwrap(api.GET('/themes')).then((list) => void (themes.value = list.items));
    return loading;
  }
  const label = (code: string) => themes.value.find((t) => t.code === code)?.label ?? code;
  return { themes, ensure, label };
});

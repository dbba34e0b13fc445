import { ref, shallowRef, watch, type WatchSource } from 'vue';
import { ApiError } from '@/api/client';

/** Data from the API for a view: reloaded when its sources change, with loading and an Italian error. */
export function useLoader<T>(load: () => Promise<T>, sources: WatchSource[] = []) {
  const data = shallowRef<T | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  /** What was asked for does not exist (or its address is malformed): the view says "not found". */
  const notFound = ref(false);
  let generation = 0;
  async function reload() {
    const mine = ++generation;
    loading.value = true;
    error.value = null;
    notFound.value = false;
    try {
      const value = await load();
      if (mine === generation) data.value = value;
    } catch (e) {
      if (mine !== generation) return;
      error.value = e instanceof ApiError ? e.message : 'Si è verificato un errore imprevisto. Riprova tra poco.';
      notFound.value = e instanceof ApiError && e.notFound;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }
  watch(sources, reload, { immediate: true });
  return { data, loading, error, notFound, reload };
}

import { computed } from 'vue';
import { useRoute, useRouter, type LocationQuery } from 'vue-router';

type QueryValue = LocationQuery[string] | undefined;
const list = (value: QueryValue) => (Array.isArray(value) ? value : value ? [value] : []).filter((v): v is string => typeof v === 'string');
const one = (value: QueryValue) => list(value)[0];

/** Filters and paging live in the URL: shareable, bookmarkable, kept by the back button. */
export function useQueryFilters() {
  const route = useRoute();
  const router = useRouter();
  const query = computed(() => route.query);
  const values = (name: string) => list(route.query[name]);
  const value = (name: string) => one(route.query[name]);
  const offset = computed(() => Number(value('offset') ?? 0) || 0);
  function set(changes: Record<string, string | string[] | undefined>) {
    const merged: Record<string, QueryValue> = { ...route.query, ...changes };
    if (!('offset' in changes)) delete merged.offset;
    const next: LocationQuery = {};
    for (const [key, value] of Object.entries(merged)) if (value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0)) next[key] = value;
    return router.replace({ query: next });
  }
  return { query, values, value, offset, set };
}

import { computed, ref } from 'vue';
import { ApiError } from '@/api/client';

/** A mistake to show: `field` is the path the API names (`links[0].label`), null for the form as a whole. */
export interface FormError {
  field: string | null;
  message: string;
}

/** "body.links.0.label" or "body.links[0].label" → "links[0].label": the key forms register their controls under. */
export const fieldKey = (field: string) => field.replace(/^(body|querystring|params)(\.|$)/, '').replace(/\.(\d+)(?=\.|\[|$)/g, '[$1]');

/** "money.amount.brackets[2].populationMax" → "money.amount.brackets[2]" → "money.amount.brackets" → … → "". */
const parentOf = (field: string) => field.replace(/(\[\d+\]|\.?[^.[]+)$/, '');

/**
 * The errors of one form, the GOV.UK Design System's way: each message beside its control and all of
 * them in an error summary at the top (AppErrorSummary). A control registers the path of its value
 * with `control(field, id)`; an error about a path no control shows (`brackets[2]`, `windows`) goes to
 * the nearest registered ancestor, so no message is lost.
 */
export function useFormErrors() {
  const errors = ref<FormError[]>([]);
  /** How many times the form failed: the summary takes the focus on each one. */
  const attempts = ref(0);
  // Plain, not reactive: controls register while rendering.
  const controls = new Map<string, string>();

  const placeOf = (field: string | null) => {
    for (let f = field; f; f = parentOf(f)) if (controls.has(f)) return f;
    return null;
  };
  const placed = computed(() =>
    errors.value.map((e) => {
      const at = placeOf(e.field);
      return { message: e.message, target: at ? (controls.get(at) ?? null) : null };
    }),
  );
  /** The messages shown beside the control with this id. */
  const message = (id: string) => placed.value.filter((e) => e.target === id).map((e) => e.message).join(' ') || undefined;

  /** Registers the control of `field` and gives it its id, `aria-invalid` and `aria-describedby` (hint first). */
  function control(field: string, id: string, hint?: string) {
    controls.set(field, id);
    const invalid = message(id) !== undefined;
    return { id, class: { 'is-invalid': invalid }, 'aria-invalid': invalid ? ('true' as const) : undefined, 'aria-describedby': [hint, invalid ? `${id}-error` : null].filter(Boolean).join(' ') || undefined };
  }
  /** Where errors about a group without a control of its own (the windows, the population) are shown. */
  const place = (field: string, id: string) => void controls.set(field, id);

  /** The summary's items: a link to the control when the form shows one. */
  const summary = placed;

  function show(list: FormError[]) {
    errors.value = list;
    attempts.value++;
  }
  /** An API refusal shown on the form; anything else is not a form error and goes on. */
  function fail(error: unknown) {
    if (!(error instanceof ApiError)) throw error;
    const fields = (error.problem.errors ?? []).map((e) => ({ field: fieldKey(e.field), message: e.message }));
    show(fields.length > 0 ? fields : [{ field: null, message: error.message }]);
  }
  const clear = () => void (errors.value = []);
  const failed = computed(() => errors.value.length > 0);
  return { errors, attempts, failed, summary, message, control, place, show, fail, clear };
}

export type FormErrors = ReturnType<typeof useFormErrors>;

const failing = new Set<string>();
/** While a form of the page shows errors, the page's title starts with "Errore: " (GOV.UK Design System). */
export function markErrorTitle(form: string, failed: boolean) {
  if (failed) failing.add(form);
  else failing.delete(form);
  const bare = document.title.replace(/^Errore: /, '');
  document.title = failing.size > 0 ? `Errore: ${bare}` : bare;
}

import type { Schemas } from '@/api/client';

// The editors' words for states, lists and moves, written once: the API decides which apply
// (allowedActions, onSave, queue), these say them in Italian.

type EditorialCall = Schemas['EditorialCall'];
export type CallAction = EditorialCall['allowedActions'][number];
export type RevisionStatus = Schemas['CallRevision']['status'];
export type EditorialQueue = keyof Schemas['EditorialQueueCounts'];

/** A call's editorial state: "Stato: In revisione"; lower case inside a sentence. */
export const EDITORIAL_STATUS_LABELS: Record<EditorialCall['editorialStatus'], string> = {
  draft: 'Bozza',
  in_review: 'In revisione',
  approved: 'Approvato',
  scheduled: 'Programmato',
  published: 'Pubblicato',
  withdrawn: 'Ritirato',
  archived: 'Archiviato',
};
export const editorialStatusWord = (status: string) => (EDITORIAL_STATUS_LABELS[status as EditorialCall['editorialStatus']] ?? status).toLowerCase();

/** The change waiting for a published call, in the editors' lists and on its banner. */
export const REVISION_STATUS_LABELS: Record<RevisionStatus, { short: string; long: string }> = {
  draft: { short: 'modifiche in bozza', long: 'In bozza: da inviare in revisione' },
  in_review: { short: 'modifiche in revisione', long: 'In revisione: serve l’approvazione di un altro redattore' },
  approved: { short: 'modifiche approvate', long: 'Approvate: pronte per la pubblicazione' },
};

/** The editors' lists, in the order of the work; `key` is the page's `elenco` query. */
export const EDITORIAL_TABS: { key: string; queue: EditorialQueue; label: string }[] = [
  { key: 'bozze', queue: 'drafts', label: 'Bozze' },
  { key: 'revisione', queue: 'review', label: 'In revisione' },
  { key: 'pronti', queue: 'ready', label: 'Approvati e programmati' },
  { key: 'pubblicati', queue: 'published', label: 'Pubblicati' },
  { key: 'ritirati', queue: 'closed', label: 'Ritirati e archiviati' },
];

/** The moves of a call the editor page offers as buttons, with what each says once done. */
export const CALL_ACTION_LABELS: Partial<Record<CallAction, { label: string; done: string }>> = {
  submit: { label: 'Invia in revisione', done: 'Bando inviato in revisione: ora serve l’approvazione di un altro redattore.' },
  approve: { label: 'Approva', done: 'Bando approvato: ora si può pubblicare.' },
  publish: { label: 'Pubblica ora', done: 'Bando pubblicato: i comuni abbinati riceveranno gli avvisi.' },
};

/** What the save button of the call form says and does, from the API's `onSave` and the call's state. */
export function saveButtonOf(call: EditorialCall | null): { label: string; hint: string | null; done: string } {
  if (!call || call.editorialStatus === 'draft') return { label: 'Salva la bozza', hint: null, done: call ? 'Bozza salvata.' : 'Bozza creata.' };
  if (call.onSave === 'revision') {
    return { label: 'Salva la revisione', hint: 'Le modifiche saranno visibili dopo la revisione di un altro redattore: fino ad allora il pubblico vede la versione pubblicata.', done: 'Revisione salvata: il pubblico vede ancora la versione pubblicata. Inviala in revisione quando è pronta.' };
  }
  if (call.onSave === 'review') return { label: 'Salva e rimanda in revisione', hint: 'Il bando è approvato: salvando torna in revisione e serve una nuova approvazione di un altro redattore.', done: 'Modifiche salvate: il bando è tornato in revisione.' };
  if (call.editorialStatus === 'published') return { label: 'Pubblica le modifiche', hint: 'Le modifiche saranno subito visibili al pubblico e i comuni abbinati ne saranno avvisati.', done: 'Modifiche pubblicate: ora le vede il pubblico.' };
  return { label: 'Salva le modifiche', hint: null, done: 'Modifiche salvate.' };
}

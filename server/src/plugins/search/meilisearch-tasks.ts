import { MeilisearchApiError, type EnqueuedTaskPromise, type Task } from 'meilisearch';

/**
 * The Meilisearch line `docker-compose.yml` pins (the newest v1 release when this was written) and the
 * oldest the engine starts on (a test keeps the two equal). The engine needs nothing experimental:
 * themes are filtered with `=` on stored ancestors, not with STARTS WITH (behind `containsFilter`).
 */
export const MEILISEARCH_VERSION = '1.53';

const parts = (version: string) => version.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);

export function versionAtLeast(version: string, minimum: string): boolean {
  const [have, want] = [parts(version), parts(minimum)];
  for (let i = 0; i < want.length; i++) if ((have[i] ?? 0) !== want[i]) return (have[i] ?? 0) > want[i]!;
  return true;
}

/** How long one task may take: a batch of 1,000 documents, or the settings that reindex everything. */
export const TASK_TIMEOUT_MS = { documents: 60_000, settings: 300_000, index: 30_000 } as const;

/**
 * Waits for a task and raises unless it succeeded with every document it received: the client's
 * `waitTask` resolves on failed and canceled tasks too.
 */
export async function settle(pending: EnqueuedTaskPromise, what: string, timeout: number): Promise<Task> {
  const task = await pending.waitTask({ timeout, interval: 50 });
  if (task.status !== 'succeeded') {
    const reason = task.error ? `${task.error.code}: ${task.error.message}` : 'no error given';
    throw new Error(`Meilisearch ${what} ${task.status} (task ${task.uid}): ${reason}`);
  }
  const details = task.details as { receivedDocuments?: number; indexedDocuments?: number | null } | undefined;
  if (details?.receivedDocuments !== undefined && (details.indexedDocuments ?? 0) < details.receivedDocuments)
    throw new Error(`Meilisearch ${what}: ${details.indexedDocuments ?? 0} of ${details.receivedDocuments} documents indexed (task ${task.uid})`);
  return task;
}

/** The Meilisearch error code of a failed request ("index_not_found", "invalid_api_key"...), if any. */
export const apiErrorCode = (error: unknown) => (error instanceof MeilisearchApiError ? (error.cause?.code ?? null) : null);

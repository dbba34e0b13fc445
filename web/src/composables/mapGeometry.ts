import { ApiError } from '@/api/client';
import { BOUNDARIES_URL } from '@/router/dataPreloads';
import type { MapGeometry, MapGeometryMessage } from './mapShapes';

export { MAP_SIZE, type MapGeometry, type MapShape } from './mapShapes';

const FAILED = 'Non è stato possibile caricare i confini dei comuni. Riprova tra poco: le tabelle restano consultabili.';

/**
 * Lombardy's comuni and provinces as SVG paths. The outlines are fetched here, where the page's
 * index.html already asked for them (router/dataPreloads.ts), and handed as bytes to a worker that
 * parses and projects them: the page stays responsive while a phone draws 1,501 outlines. Rejects with
 * an Italian message.
 */
export async function loadMapGeometry(): Promise<MapGeometry> {
  // Started first: the worker's code arrives while the outlines do.
  const worker = new Worker(new URL('../workers/mapGeometry.worker.ts', import.meta.url), { type: 'module' });
  const projected = new Promise<MapGeometry>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<MapGeometryMessage>) => {
      if ('geometry' in event.data) resolve(event.data.geometry);
      else reject(new ApiError(event.data.status, { detail: event.data.error }));
    };
    worker.onerror = () => reject(new ApiError(0, { detail: 'Non è stato possibile disegnare la mappa. Le tabelle restano consultabili.' }));
  });
  // Awaited below; until then a failing worker must not count as an unhandled rejection.
  projected.catch(() => undefined);
  try {
    const response = await fetch(BOUNDARIES_URL, { credentials: 'same-origin' }).catch(() => null);
    if (!response?.ok) {
      const problem = (await response?.json().catch(() => null)) as { detail?: string } | null;
      throw new ApiError(response?.status ?? 0, { detail: problem?.detail ?? FAILED });
    }
    const topology = await response.arrayBuffer();
    worker.postMessage(topology, [topology]);
    return await projected;
  } finally {
    worker.terminate();
  }
}

import { ApiError } from '@/api/client';
import type { MapGeometry, MapGeometryMessage } from './mapShapes';

export { MAP_SIZE, type MapGeometry, type MapShape } from './mapShapes';

/**
 * Lombardy's comuni and provinces as SVG paths, fetched and projected by a worker: the page stays
 * responsive while a phone draws 1,501 outlines. Rejects with an Italian message.
 */
export function loadMapGeometry(): Promise<MapGeometry> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('../workers/mapGeometry.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<MapGeometryMessage>) => {
      worker.terminate();
      if ('geometry' in event.data) resolve(event.data.geometry);
      else reject(new ApiError(event.data.status, { detail: event.data.error }));
    };
    worker.onerror = () => {
      worker.terminate();
      reject(new ApiError(0, { detail: 'Non è stato possibile disegnare la mappa. Le tabelle restano consultabili.' }));
    };
  });
}

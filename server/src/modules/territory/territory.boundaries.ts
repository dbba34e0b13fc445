import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unavailable } from '../../shared/domain-errors.ts';

export const COMUNI_TOPOLOGY_FILE = 'limits_R_3_municipalities.topo.json';

interface Geometry {
  type: string;
  arcs?: unknown;
  properties?: Record<string, unknown>;
}
interface Topology {
  type: 'Topology';
  objects: Record<string, { type: string; geometries: Geometry[] }>;
  [key: string]: unknown;
}

const missing = () =>
  unavailable(
    'MAP_BOUNDARIES_MISSING',
    'I confini dei comuni non sono disponibili su questo server (manca la cartella dei dati geografici indicata da GEO_DATA_DIR): la mappa non può essere disegnata, le tabelle restano consultabili.',
  );

/**
 * The boundaries of the Lombard comuni, read once from the shared open data (openpolis on ISTAT
 * limits, CC BY 4.0) and kept with only what the map joins on and shows: ISTAT code, name, province.
 * The file stays outside the repository; a server without it answers 503 with a clear message.
 */
export function boundariesLoader(dir: string) {
  let cached: Promise<string> | null = null;
  const load = async () => {
    let text: string;
    try {
      text = await readFile(join(dir, COMUNI_TOPOLOGY_FILE), 'utf8');
    } catch {
      throw missing();
    }
    const topology = JSON.parse(text) as Topology;
    const comuni = topology.objects.comuni;
    if (topology.type !== 'Topology' || !comuni) throw missing();
    for (const geometry of comuni.geometries) {
      const p = geometry.properties ?? {};
      geometry.properties = { istat: String(p.com_istat_code ?? ''), name: String(p.name ?? ''), province: String(p.prov_acr ?? '') };
    }
    return JSON.stringify(topology);
  };
  return () => {
    cached ??= load().catch((error: unknown) => {
      cached = null;
      throw error;
    });
    return cached;
  };
}

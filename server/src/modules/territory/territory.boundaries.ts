import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { precompress } from '../../plugins/compression.ts';
import { unavailable } from '../../shared/domain-errors.ts';
import { projectOutlines, type ComuniTopology } from './territory.outlines.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

export const COMUNI_TOPOLOGY_FILE = 'limits_R_3_municipalities.topo.json';

interface Geometry {
  type: string;
  arcs?: unknown;
  properties?: Record<string, unknown>;
}
interface Topology {
  type: 'Topology';
  objects: Record<string, { type: string; geometries: Geometry[] }>;
  transform?: { scale: [number, number]; translate: [number, number] };
  arcs: [number, number][][];
  [key: string]: unknown;
}

/**
 * Steps of the coordinate grid across the region's longer side: the map is drawn 600 pixels wide,
 * so this is about two steps per pixel on a high-density screen. The shared file is quantized about
 * seven times finer, which the map cannot show but the download pays for.
 */
export const MAP_GRID_STEPS = 2500;

/**
 * The topology on a coarser grid: every point snapped to a multiple of `factor` of the old steps,
 * points that fall on the previous one dropped (an arc keeps at least its two ends). Arcs shared by
 * two comuni stay shared, so neighbours still meet without gaps.
 */
export function coarsen(topology: Topology, steps: number): Topology {
  const { transform, bbox } = topology;
  if (!transform || !Array.isArray(bbox)) return topology;
  const [x0, y0, x1, y1] = bbox as number[];
  const longer = Math.max((x1! - x0!) / transform.scale[0], (y1! - y0!) / transform.scale[1]);
  const factor = Math.floor(longer / steps);
  if (factor < 2) return topology;
  const arcs = topology.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    let previous: [number, number] | null = null;
    const kept: [number, number][] = [];
    for (const [dx, dy] of arc) {
      x += dx;
      y += dy;
      const point: [number, number] = [Math.round(x / factor), Math.round(y / factor)];
      if (previous && point[0] === previous[0] && point[1] === previous[1]) continue;
      kept.push(point);
      previous = point;
    }
    if (kept.length === 1) kept.push(kept[0]!);
    let px = 0;
    let py = 0;
    return kept.map(([qx, qy]) => {
      const delta: [number, number] = [qx - px, qy - py];
      px = qx;
      py = qy;
      return delta;
    });
  });
  return { ...topology, arcs, transform: { scale: [transform.scale[0] * factor, transform.scale[1] * factor], translate: transform.translate } };
}

const missing = () =>
  unavailable(
    'MAP_BOUNDARIES_MISSING',
    'I confini dei comuni non sono disponibili su questo server (manca la cartella dei dati geografici indicata da GEO_DATA_DIR): la mappa non può essere disegnata, le tabelle restano consultabili.',
  );

/** A promise made once, made again after a failure (the data folder may be mounted later). */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | null = null;
  return () =>
    (cached ??= make().catch((error: unknown) => {
      cached = null;
      throw error;
    }));
}

/**
 * The boundaries of the Lombard comuni, read once from the shared open data (openpolis on ISTAT
 * limits, CC BY 4.0) and kept with only what the map joins on and shows: ISTAT code, name, province,
 * on the grid the map can draw (MAP_GRID_STEPS). Served two ways, each compressed once: as TopoJSON
 * for whoever reuses them, and as the map's SVG outlines (territory.outlines.ts). The file stays
 * outside the repository; a server without it answers 503 with a clear message.
 */
export function boundariesLoader(dir: string) {
  const topology = once(async () => {
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
    return coarsen(topology, MAP_GRID_STEPS);
  });
  return {
    topology: once(async () => precompress(JSON.stringify(await topology()), JSON_TYPE, 'best')),
    outlines: once(async () => precompress(JSON.stringify(projectOutlines((await topology()) as unknown as ComuniTopology)), JSON_TYPE, 'best')),
  };
}

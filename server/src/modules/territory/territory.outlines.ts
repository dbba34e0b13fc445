import { geoMercator, geoPath, type GeoPermissibleObjects } from 'd3-geo';
import { feature, merge } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { Static } from '@sinclair/typebox';
import { MAP_BOX } from '../../shared/map-box.ts';
import type { MapOutlines as MapOutlinesSchema } from './territory.schemas.ts';

export interface ComuneProperties {
  istat: string;
  name: string;
  province: string;
}
export type ComuniTopology = Topology<{ comuni: GeometryCollection<ComuneProperties> }>;

type MapOutlines = Static<typeof MapOutlinesSchema>;

/** A quarter of a unit on a 600-unit map: the grid the boundaries are stored on (MAP_GRID_STEPS), finer than a screen shows. */
const STEPS_PER_UNIT = 4;
const short = (steps: number) => (steps / STEPS_PER_UNIT).toString().replace(/^(-?)0\./, '$1.');

/**
 * A path context that writes SVG path data with relative moves on that grid: the same outline
 * as d3's absolute coordinates in about two thirds of the bytes, and steps that fall on the same grid
 * point dropped.
 */
function relativePath() {
  let out = '';
  let x = 0;
  let y = 0;
  let startOfRing = true;
  const snap = (v: number) => Math.round(v * STEPS_PER_UNIT);
  return {
    context: {
      moveTo(px: number, py: number) {
        const [nx, ny] = [snap(px), snap(py)];
        out += `M${short(nx)} ${short(ny)}`;
        [x, y, startOfRing] = [nx, ny, true];
      },
      lineTo(px: number, py: number) {
        const [nx, ny] = [snap(px), snap(py)];
        if (nx === x && ny === y) return;
        const dy = short(ny - y);
        out += `${startOfRing ? 'l' : ' '}${short(nx - x)}${dy.startsWith('-') ? '' : ' '}${dy}`;
        [x, y, startOfRing] = [nx, ny, false];
      },
      closePath() {
        out += 'z';
      },
      arc() {},
    },
    take() {
      const d = out.replace(/ -/g, '-');
      out = '';
      return d;
    },
  };
}

/**
 * Lombardy's comuni and provinces as SVG paths in MAP_BOX, projected once on the server: a phone then
 * only parses strings, with no projection library to download and no worker to start.
 */
export function projectOutlines(topology: ComuniTopology): MapOutlines {
  const collection = feature(topology, topology.objects.comuni);
  const projection = geoMercator().fitSize([MAP_BOX.width, MAP_BOX.height], collection as GeoPermissibleObjects);
  const { context, take } = relativePath();
  const draw = geoPath(projection, context as never);
  const outline = (object: GeoPermissibleObjects) => {
    draw(object);
    return take();
  };
  const comuni = collection.features.map((f) => ({ id: f.properties.istat, name: f.properties.name, province: f.properties.province, d: outline(f) }));
  const byProvince = new Map<string, ComuniTopology['objects']['comuni']['geometries']>();
  for (const g of topology.objects.comuni.geometries) {
    const sigla = (g.properties as ComuneProperties).province;
    byProvince.set(sigla, [...(byProvince.get(sigla) ?? []), g]);
  }
  const provinces = [...byProvince].map(([sigla, geometries]) => ({
    id: sigla,
    name: sigla,
    province: sigla,
    d: outline(merge(topology, geometries as never)),
  }));
  return { ...MAP_BOX, comuni, provinces };
}

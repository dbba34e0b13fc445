import { geoMercator, geoPath, type GeoPermissibleObjects } from 'd3-geo';
import { feature, merge } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { MAP_SIZE, type MapGeometry, type MapGeometryMessage, type MapShape } from '@/composables/mapShapes';

// Projects Lombardy's comuni off the main thread: decoding 1,501 outlines, fitting the projection and
// writing their SVG paths takes a phone's processor about a second, which would freeze the page.

type Props = { istat: string; name: string; province: string };
type ComuniTopology = Topology<{ comuni: GeometryCollection<Props> }>;

const scope = self as unknown as { postMessage(message: MapGeometryMessage): void };
const FAILED = 'Non è stato possibile caricare i confini dei comuni. Riprova tra poco: le tabelle restano consultabili.';

function project(topology: ComuniTopology): MapGeometry {
  const collection = feature(topology, topology.objects.comuni);
  const projection = geoMercator().fitSize([MAP_SIZE.width, MAP_SIZE.height], collection as GeoPermissibleObjects);
  // A tenth of a unit on a 600-unit map is finer than any screen shows it.
  const path = geoPath(projection).digits(1);
  const comuni: MapShape[] = collection.features.map((f) => ({ id: f.properties.istat, name: f.properties.name, province: f.properties.province, d: path(f) ?? '' }));
  const byProvince = new Map<string, GeometryCollection<Props>['geometries']>();
  for (const g of topology.objects.comuni.geometries) {
    const sigla = (g.properties as Props).province;
    byProvince.set(sigla, [...(byProvince.get(sigla) ?? []), g]);
  }
  const provinces = [...byProvince].map(([sigla, geometries]) => ({ id: sigla, name: sigla, province: sigla, d: path(merge(topology, geometries as never)) ?? '' }));
  return { comuni, provinces };
}

async function load(): Promise<MapGeometryMessage> {
  try {
    const response = await fetch('/api/v1/territory/boundaries', { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!response.ok) {
      const problem = (await response.json().catch(() => null)) as { detail?: string } | null;
      return { status: response.status, error: problem?.detail ?? FAILED };
    }
    return { geometry: project((await response.json()) as ComuniTopology) };
  } catch {
    return { status: 0, error: FAILED };
  }
}

void load().then((message) => scope.postMessage(message));

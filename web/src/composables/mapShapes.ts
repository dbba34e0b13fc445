// Shared by the page and the worker that projects the map (workers/mapGeometry.worker.ts): no imports.

/** The map's drawing box, in SVG units: the projection fits Lombardy into it. */
export const MAP_SIZE = { width: 600, height: 620 } as const;

/** A comune or a province as the map draws it: its SVG path in the drawing box. */
export interface MapShape {
  id: string;
  name: string;
  province: string;
  d: string;
}
export interface MapGeometry {
  comuni: MapShape[];
  provinces: MapShape[];
}
export type MapGeometryMessage = { geometry: MapGeometry } | { status: number; error: string };

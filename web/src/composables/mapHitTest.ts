/** A rectangle in the map's drawing units. */
export interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** The box an outline covers, read from its path data (absolute moves, relative lines, as the server writes them). */
export function outlineBox(d: string): Box {
  const box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  let x = 0;
  let y = 0;
  for (const [, command, numbers] of d.matchAll(/([MmLl])([^MmLlZz]*)/g)) {
    const values = (numbers!.match(/-?(?:\d+\.?\d*|\.\d+)/g) ?? []).map(Number);
    for (let i = 0; i + 1 < values.length; i += 2) {
      // After a move, further pairs are lines of the same kind.
      if (command === 'l' || command === 'm') [x, y] = [x + values[i]!, y + values[i + 1]!];
      else [x, y] = [values[i]!, values[i + 1]!];
      box.minX = Math.min(box.minX, x);
      box.minY = Math.min(box.minY, y);
      box.maxX = Math.max(box.maxX, x);
      box.maxY = Math.max(box.maxY, y);
    }
  }
  return box;
}

const inside = (box: Box, x: number, y: number) => x >= box.minX && x <= box.maxX && y >= box.minY && y <= box.maxY;

/**
 * Which outline is under a point. The map draws its outlines merged by colour, a handful of SVG
 * elements instead of 1,501 (style and layout cost a phone per element), so the pointer is matched
 * here: a box test, then the browser's own point-in-path on the few candidates. Built at first use.
 */
export function hitTester(outlines: readonly { id: string; d: string }[]) {
  type Entry = { id: string; d: string; box: Box; path?: Path2D };
  let entries: Entry[] | undefined;
  let canvas: CanvasRenderingContext2D | null | undefined;
  const all = () => (entries ??= outlines.map((o): Entry => ({ id: o.id, d: o.d, box: outlineBox(o.d) })));
  return {
    /** The id of the outline at (x, y) in drawing units, or null. */
    at(x: number, y: number): string | null {
      canvas ??= document.createElement('canvas').getContext('2d');
      for (const entry of all()) {
        if (!inside(entry.box, x, y)) continue;
        if (!canvas) return entry.id;
        entry.path ??= new Path2D(entry.d);
        if (canvas.isPointInPath(entry.path, x, y)) return entry.id;
      }
      return null;
    },
    box(id: string): Box | undefined {
      return all().find((e) => e.id === id)?.box;
    },
  };
}

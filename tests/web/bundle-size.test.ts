import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../server/src/paths.ts';
import { bundleSizes } from '../../web/scripts/bundle-size.ts';

const dist = resolve(repoRoot, 'web/dist');

describe('the built web app', () => {
  it('loads at most 200 KB of gzipped JavaScript for the RTD landing route, with editor, coverage and admin code split away', () => {
    expect(existsSync(resolve(dist, '.vite/manifest.json')), 'run `npm run build` first (npm test does)').toBe(true);
    const { landingGzipBytes, routes } = bundleSizes(dist);
    console.log(
      `landing route: ${(landingGzipBytes / 1024).toFixed(1)} KB gzipped; ${routes.map((r) => `${r.view} +${(r.extraGzipBytes / 1024).toFixed(1)} KB`).join(', ')}`,
    );
    expect(landingGzipBytes).toBeLessThanOrEqual(200 * 1024);
    for (const view of ['CallEditorView', 'CoverageView', 'AdminView', 'EditorialView']) expect(routes.map((r) => r.view)).toContain(view);
  });
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../server/src/paths.ts';
import { FEATURES } from '../../server/src/features.ts';

const modulesDir = join(repoRoot, 'server/src/modules');
const features = readdirSync(modulesDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);
const architecture = readFileSync(join(repoRoot, 'docs/ARCHITECTURE.md'), 'utf8');

describe('the feature folders', () => {
  it.each(features)('%s has a front door, a place in the app and a row in docs/ARCHITECTURE.md', (feature) => {
    expect(existsSync(join(modulesDir, feature, 'index.ts'))).toBe(true);
    expect(FEATURES.map((plugin) => (plugin as unknown as Record<symbol, string>)[Symbol.for('fastify.display-name')])).toContain(feature);
    expect(architecture).toMatch(new RegExp(`^\\| ${feature} \\|`, 'm'));
  });
});

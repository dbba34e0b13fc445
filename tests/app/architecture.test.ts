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

describe('names and places you can guess', () => {
  it('every file of a feature is named <feature or part>.<role>.ts', () => {
    const misnamed = features.flatMap((feature) =>
      readdirSync(join(modulesDir, feature), { withFileTypes: true })
        .filter((e) => e.isFile() && e.name !== 'index.ts' && !/^[a-z-]+\.[a-z-]+\.ts$/.test(e.name))
        .map((e) => `${feature}/${e.name}`),
    );
    expect(misnamed).toEqual([]);
  });

  it('the tests folders are the features, plus the app, its plugins, shared code, the CLI, the SPA and the browser journeys', () => {
    const besides = ['app', 'plugins', 'shared', 'cli', 'web', 'e2e', 'helpers', 'setup'];
    const folders = readdirSync(join(repoRoot, 'tests'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.filter((f) => !features.includes(f) && !besides.includes(f))).toEqual([]);
  });
});

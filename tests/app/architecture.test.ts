import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
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

/** The tables a feature owns, as its row in docs/ARCHITECTURE.md lists them. */
function tablesOwnedBy(feature: string): string[] {
  const row = architecture.split('\n').find((line) => line.startsWith(`| ${feature} |`));
  return [...(row?.split('|')[2] ?? '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!);
}

/** Every place a source names one of `tables` in a query: Kysely's builders, `sql` helpers, SQL text. Comments are skipped. */
function tableMentions(source: string, tables: string[]): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const name = `(?:${tables.join('|')})`;
  const patterns = [
    // selectFrom('calls'), innerJoin('calls as c', ...), selectFrom(['calls as c', ...]), updateTable(`call_events`) ...
    new RegExp(
      `\\b(?:selectFrom|(?:inner|left|right|full|cross)Join|updateTable|insertInto|deleteFrom|mergeInto|using|table|id|ref)\\(\\s*\\[?\\s*['"\`]${name}(?:\\s+as\\s+\\w+)?['"\`]`,
      'g',
    ),
    // 'calls.title' as a column reference
    new RegExp(`['"\`]${name}\\.\\w+['"\`]`, 'g'),
    // SQL text: from calls, join call_windows w, update call_events, insert into call_themes
    new RegExp(`\\b(?:from|join|update|into|table|using)\\s+${name}\\b(?![-/.])`, 'gi'),
  ];
  return patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((m) => m[0].replace(/\s+/g, ' ')));
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourcesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe("a feature's tables are its own", () => {
  const callsTables = tablesOwnedBy('calls');

  it('finds the tables of calls in docs/ARCHITECTURE.md', () => {
    expect(callsTables).toEqual(
      expect.arrayContaining(['calls', 'call_windows', 'call_themes', 'call_sources', 'call_versions', 'call_revisions', 'call_events']),
    );
  });

  it.each([
    [`db.selectFrom('calls').select('id')`],
    [`db.selectFrom('matches as m')\n  .innerJoin(\n    'calls as c', 'c.id', 'm.call_id')`],
    [`trx.updateTable("call_events").set({})`],
    [`db.selectFrom(['call_windows as w', 'matches as m'])`],
    [`eb.ref('calls.title')`],
    [`sql\`select 1 from matches m join calls k on k.id = m.call_id\``],
    [`sql\`select min(closes_at) FROM call_windows where call_id = \${id}\``],
    [`sql\`insert into call_versions (call_id) values (\${id})\``],
  ])('flags a query that names a table of calls: %s', (source) => {
    expect(tableMentions(source, callsTables)).not.toEqual([]);
  });

  it.each([
    [`dependencies: ['database', 'calls']`],
    [`app.get('/calls/:id/matches', handler)`],
    [`'/api/v1/open-data/calls.csv'`],
    [`db.selectFrom(callsView.as('c')).innerJoin(callWindowsView.as('w'), 'w.call_id', 'c.id')`],
    [`sql\`select 1 from \${callsView} k join matches m on m.call_id = k.id\``],
    [`// the matcher reads from calls through its front door\n/* join calls */`],
    [`const calls = rows.filter((r) => r.open); return { calls: calls.length }`],
  ])('leaves alone what is not a query on those tables: %s', (source) => {
    expect(tableMentions(source, callsTables)).toEqual([]);
  });

  it('no other feature names a table of calls: they read through what calls/index.ts exports', () => {
    const offenders = features
      .filter((feature) => feature !== 'calls')
      .flatMap((feature) => sourcesUnder(join(modulesDir, feature)))
      .flatMap((file) => tableMentions(readFileSync(file, 'utf8'), callsTables).map((mention) => `${relative(modulesDir, file)}: ${mention}`));
    expect(offenders).toEqual([]);
  });
});

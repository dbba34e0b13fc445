import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

interface Chunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  src?: string;
}

/** Gzipped bytes of the JavaScript a route loads before it renders: the chunk and its static imports. */
export function bundleSizes(distDir: string) {
  const manifest = JSON.parse(readFileSync(join(distDir, '.vite/manifest.json'), 'utf8')) as Record<string, Chunk>;
  const gz = (file: string) => gzipSync(readFileSync(join(distDir, file)), { level: 9 }).length;
  const closure = (key: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(key)) return seen;
    seen.add(key);
    for (const next of manifest[key]?.imports ?? []) closure(next, seen);
    return seen;
  };
  const sizeOf = (keys: Set<string>) => [...keys].reduce((sum, key) => sum + gz(manifest[key]!.file), 0);
  const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry)!;
  const landing = closure(entry);
  const routes = Object.entries(manifest)
    .filter(([, chunk]) => chunk.isDynamicEntry && chunk.src?.includes('/views/'))
    .map(([key, chunk]) => ({ view: chunk.src!.split('/').pop()!.replace('.vue', ''), extraGzipBytes: sizeOf(new Set([...closure(key)].filter((k) => !landing.has(k)))) }));
  return { landingGzipBytes: sizeOf(landing), routes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { landingGzipBytes, routes } = bundleSizes(join(import.meta.dirname, '../dist'));
  console.log(`landing route (Le mie opportunità): ${(landingGzipBytes / 1024).toFixed(1)} KB of JavaScript gzipped`);
  for (const r of routes.sort((a, b) => b.extraGzipBytes - a.extraGzipBytes)) console.log(`  + ${r.view}: ${(r.extraGzipBytes / 1024).toFixed(1)} KB more`);
}

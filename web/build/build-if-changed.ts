// `npm start` runs this instead of `vite build`: the SPA is rebuilt only when what it is built from
// changed since the last build (a content hash of web/ sources and the lockfile), so a restart is quick.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const webDir = join(import.meta.dirname, '..');
const distDir = join(webDir, 'dist');
const stampFile = join(distDir, '.source-hash');
const INPUTS = ['src', 'build', 'public', 'index.html', 'vite.config.ts', 'package.json', '../package-lock.json'];

function* filesUnder(path: string): Generator<string> {
  if (!existsSync(path)) return;
  if (!statSync(path).isDirectory()) {
    yield path;
    return;
  }
  for (const entry of readdirSync(path).sort()) yield* filesUnder(join(path, entry));
}

export function sourceHash(): string {
  const hash = createHash('sha256');
  for (const input of INPUTS) {
    for (const file of filesUnder(join(webDir, input))) hash.update(relative(webDir, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

const current = sourceHash();
const built = existsSync(stampFile) && existsSync(join(distDir, 'index.html')) ? readFileSync(stampFile, 'utf8').trim() : null;
if (built === current) {
  process.stdout.write('web: the built SPA is up to date\n');
} else {
  // Always the production build: started from a test run (NODE_ENV=test) Vite would otherwise build Vue's
  // development code (warnings, devtools hooks: 40 KB more), and the stamp would keep it for later starts.
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: webDir, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  writeFileSync(stampFile, current + '\n');
}

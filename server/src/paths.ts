import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whatever the working directory of the process. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const migrationsDir = resolve(repoRoot, 'migrations');
export const webDistDir = resolve(repoRoot, 'web/dist');
export const openApiFile = resolve(repoRoot, 'server/openapi.json');

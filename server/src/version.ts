import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot } from './paths.ts';

export const version: string = JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')).version;

import type { Config } from '../plugins/config.ts';
import { resolveDatabase } from '../plugins/db/connect.ts';
import { createDb, type Db } from '../plugins/db/database.ts';

export interface CommandContext {
  config: Readonly<Config>;
  args: string[];
  flags: Flags;
  /** Opens the same database `npm start` uses, joining a running server's embedded cluster. */
  withDb<T>(work: (db: Db) => Promise<T>): Promise<T>;
}

export type Flags = Record<string, string | true | string[]>;

export class UsageError extends Error {}

/** All values of a flag that may repeat (`--comune A --comune B`). */
export function flagValues(flags: Flags, name: string): string[] {
  const value = flags[name];
  if (value === undefined || value === true) return [];
  return Array.isArray(value) ? value : [value];
}

export function requiredFlag(flags: Flags, name: string): string {
  const [value] = flagValues(flags, name);
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

export function contextFor(config: Readonly<Config>, args: string[], flags: Flags): CommandContext {
  return {
    config,
    args,
    flags,
    async withDb(work) {
      const target = await resolveDatabase(config);
      const db = createDb(target.url, { max: 4 });
      try {
        return await work(db);
      } finally {
        await db.destroy();
        await target.release();
      }
    },
  };
}

/** Splits `a b --json --file x` into positional arguments and flags. */
export function parseArgs(argv: string[]): { args: string[]; flags: Flags } {
  const args: string[] = [];
  const flags: Flags = {};
  const add = (name: string, value: string) => {
    const previous = flags[name];
    flags[name] = previous === undefined || previous === true ? value : [...[previous].flat(), value];
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      args.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const next = argv[i + 1];
    if (inline !== undefined) add(name, inline);
    else if (next !== undefined && !next.startsWith('--') && !BOOLEAN_FLAGS.has(name)) {
      add(name, next);
      i++;
    } else flags[name] = true;
  }
  return { args, flags };
}

const BOOLEAN_FLAGS = new Set(['json', 'dry-run', 'all']);

import type { Kysely } from 'kysely';

export interface DemoLogin {
  role: string;
  email: string;
  password: string;
  description: string;
}

export interface SeedReport {
  created: number;
  unchanged: number;
}

/** Accounts the embedded default prints at start-up; filled by the identity feature. */
export const DEMO_LOGINS: DemoLogin[] = [];

/** Idempotent: running it twice creates nothing the second time. */
export async function seedDemo(_db: Kysely<any>): Promise<SeedReport> {
  return { created: 0, unchanged: 0 };
}

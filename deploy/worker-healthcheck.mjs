// The `worker` service's healthcheck: healthy while this container's worker beats in the database
// (every 15 s, `worker_heartbeats`), so a worker stuck before its jobs start is seen.
import { hostname } from 'node:os';
import pg from 'pg';

const client = new pg.Client({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 3000 });
try {
  await client.connect();
  const beats = await client.query("select 1 from worker_heartbeats where hostname = $1 and beat_at > now() - interval '45 seconds'", [hostname()]);
  process.exitCode = beats.rowCount > 0 ? 0 : 1;
} catch {
  process.exitCode = 1;
} finally {
  await client.end().catch(() => {});
}

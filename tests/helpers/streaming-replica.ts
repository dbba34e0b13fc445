import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, relative, sep } from 'node:path';
import pg from 'pg';
import { freePort, startEmbeddedPostgres, startPostmaster, stopPostmaster } from '../../server/src/plugins/db/embedded.ts';
import { waitFor } from './processes.ts';

export interface StreamingPair {
  /** Connection strings of the `postgres` maintenance database on each server. */
  primaryUrl: string;
  standbyUrl: string;
  /** Stops and restarts WAL replay on the standby: a replica lag as long as the test wants. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  stop(): Promise<void>;
}

const REPLICATION_PASSWORD = 'replica-test-password';
/** What a base backup leaves out (PostgreSQL docs, "Making a Base Backup Using the Low Level API"): the folders are kept, empty. */
const EMPTIED = ['pg_wal', 'pg_replslot', 'pg_stat_tmp', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_subtrans'];
const SKIPPED = ['postmaster.pid', 'postmaster.opts'];

async function query(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * A primary (the embedded PostgreSQL, wal_level=replica by default) and a hot standby streaming from
 * it, built as `pg_basebackup -R` does: a replication role and slot, a base backup taken with the
 * low-level API (pg_backup_start, a copy of the data folder, pg_backup_stop's backup_label), then
 * standby.signal and primary_conninfo. The binaries package has no pg_basebackup, and the system's
 * is older than the server, which it refuses.
 */
export async function startStreamingPair(): Promise<StreamingPair> {
  const root = mkdtempSync(join(tmpdir(), 'cruscotto-replica-'));
  // As root, PostgreSQL runs as the `postgres` user, who must reach inside.
  chmodSync(root, 0o755);
  const primary = await startEmbeddedPostgres({ dataDir: join(root, 'primary') });
  const primaryCluster = join(root, 'primary', 'postgres');
  const standbyCluster = join(root, 'standby');
  let standbyPid: number | undefined;
  try {
    // The default pg_hba.conf of initdb admits replication connections from 127.0.0.1 with the cluster's method.
    await query(primary.adminUrl, `create role replicator with replication login password '${REPLICATION_PASSWORD}'`);
    await query(primary.adminUrl, `select pg_create_physical_replication_slot('standby')`);

    const backup = new pg.Client({ connectionString: primary.adminUrl });
    await backup.connect();
    await backup.query(`select pg_backup_start('cruscotto standby', true)`);
    cpSync(primaryCluster, standbyCluster, {
      recursive: true,
      filter: (source) => {
        const path = relative(primaryCluster, source);
        const [top, ...inside] = path.split(sep);
        return !SKIPPED.includes(path) && !(EMPTIED.includes(top!) && inside.length > 0);
      },
    });
    const { rows } = await backup.query<{ labelfile: string }>('select labelfile from pg_backup_stop(true)');
    await backup.end();
    writeFileSync(join(standbyCluster, 'backup_label'), rows[0]!.labelfile);
    writeFileSync(join(standbyCluster, 'standby.signal'), '');
    appendFileSync(
      join(standbyCluster, 'postgresql.auto.conf'),
      `primary_conninfo = 'host=127.0.0.1 port=${primary.port} user=replicator password=${REPLICATION_PASSWORD} application_name=standby'\n` +
        `primary_slot_name = 'standby'\n`,
    );
    if (userInfo().uid === 0) execFileSync('chown', ['-R', 'postgres:postgres', standbyCluster]);
    chmodSync(standbyCluster, 0o700);

    const port = await freePort();
    standbyPid = await startPostmaster(standbyCluster, port, false, () => {});
    const standbyUrl = Object.assign(new URL(primary.adminUrl), { port: String(port) }).toString();
    await waitFor(
      async () =>
        (await query(primary.adminUrl, `select 1 from pg_stat_replication where application_name = 'standby' and state = 'streaming'`)).rowCount === 1,
      30_000,
      'the standby to stream',
    );
    const pid = standbyPid;
    return {
      primaryUrl: primary.adminUrl,
      standbyUrl,
      pauseReplay: async () => void (await query(standbyUrl, 'select pg_wal_replay_pause()')),
      resumeReplay: async () => void (await query(standbyUrl, 'select pg_wal_replay_resume()')),
      async stop() {
        await stopPostmaster(pid);
        await primary.stop();
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (standbyPid) await stopPostmaster(standbyPid);
    await primary.stop();
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Both archive engines for one suite (issue 16): SQLite in a temporary file, and PostgreSQL — a real
 * server started once per test file, a fresh database per `open()`. The PostgreSQL one is skipped loudly
 * without the server binaries (and fails the run under VGW_REQUIRE_TOOLS=1).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createLogger } from '../../gateway/kernel/log.js';
import { PostgresArchiveStore } from '../../provisioning/township/archive/pg-store.js';
import { SqliteArchiveStore } from '../../provisioning/township/archive/sqlite-store.js';
import type { ArchiveStore } from '../../provisioning/township/archive/store.js';
import { PostgresServer, requirePostgres } from '../support/postgres.js';

export interface Engine {
  name: string;
  skip: boolean;
  open(): Promise<ArchiveStore>;
}

/**
 * Registers the file's hooks: a PostgreSQL server up before its tests (when installed, `have`), deleted
 * after. Returns the server, to be read inside the tests.
 */
export function postgresPerFile(have: boolean): () => PostgresServer {
  let server: PostgresServer | null = null;
  beforeAll(async () => {
    if (!have) return;
    server = new PostgresServer();
    await server.start();
  }, 60_000);
  afterAll(() => server?.destroy());
  return () => server as PostgresServer;
}

/** Registers the file's hooks (a PostgreSQL server up before, deleted after) and returns the engines. */
export function archiveEngines(): Engine[] {
  const havePg = requirePostgres();
  const dir = mkdtempSync(join(tmpdir(), 'vgw-engines-'));
  const server = postgresPerFile(havePg);
  let n = 0;
  return [
    { name: 'sqlite', skip: false, open: () => Promise.resolve(SqliteArchiveStore.open(join(dir, `a${n++}.db`))) },
    {
      name: 'postgres',
      skip: !havePg,
      open: async () => {
        const url = server().url;
        const admin = new pg.Client(url);
        await admin.connect();
        const name = `engine${n++}`;
        await admin.query(`CREATE DATABASE ${name}`);
        await admin.end();
        return PostgresArchiveStore.open(url.replace(/\/vgw$/, `/${name}`), createLogger('silent'));
      },
    },
  ];
}

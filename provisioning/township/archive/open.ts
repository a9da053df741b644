/**
 * Opens the archive an archiver or a search names: a SQLite file (the embedded default) or a PostgreSQL
 * URL. The PostgreSQL engine (and `pg`) is imported only when asked for.
 */
import type { Logger } from 'pino';
import { redact } from './redact.js';
import { SqliteArchiveStore } from './sqlite-store.js';
import type { ArchiveStore } from './store.js';

/** Where events are archived. */
export type ArchiveTarget = { sqlite: string } | { postgres: string };

/** For screens and logs: the file, or the URL without its password. */
export function describeTarget(t: ArchiveTarget): string {
  return 'sqlite' in t ? t.sqlite : redact(t.postgres);
}

export async function openArchive(t: ArchiveTarget, log: Logger, mode: 'write' | 'read' = 'write'): Promise<ArchiveStore> {
  if ('sqlite' in t) return SqliteArchiveStore.open(t.sqlite, mode);
  const { PostgresArchiveStore } = await import('./pg-store.js');
  return PostgresArchiveStore.open(t.postgres, log);
}

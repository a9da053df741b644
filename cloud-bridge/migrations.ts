/** Schema migrations, numbered from 1 by position. Never edit a released one: append. */
export const MIGRATIONS: readonly string[] = [
  // 1: outbox, counters, executed command ids.
  `
  -- AUTOINCREMENT: a plain INTEGER PRIMARY KEY reuses ids once the table empties, and a drain loop that
  -- reads "rows after cursor" then skips the reused ones (a prototype lost 3,359 events that way).
  CREATE TABLE outbox (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    prio     INTEGER NOT NULL,            -- 0 critical .. 3 info; replies 0; device state 3
    kind     TEXT    NOT NULL,            -- event | report (of an eviction) | state | reply
    seq      INTEGER,                     -- envelope seq, events only
    topic    TEXT    NOT NULL,
    payload  BLOB    NOT NULL,
    qos      INTEGER NOT NULL,
    retain   INTEGER NOT NULL,
    created  INTEGER NOT NULL             -- ms since epoch, for backlog age
  );
  CREATE INDEX outbox_drain ON outbox (prio, id);
  CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
  INSERT INTO counters (name, value) VALUES ('seq', 0);
  CREATE TABLE executed_commands (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    received   INTEGER NOT NULL,
    expires    INTEGER NOT NULL
  );
  CREATE INDEX executed_commands_expires ON executed_commands (expires);
  `,
];

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
  // The broadcast queue (gateway/broadcast/store.ts): notices outlive a reboot until they end.
  `
  CREATE TABLE broadcasts (
    id          TEXT    PRIMARY KEY,        -- the broadcast command's id: a notice is queued once
    priority    INTEGER NOT NULL,           -- 0 emergency, 1 normal
    content     TEXT    NOT NULL,           -- JSON: {"text"} | {"sound"} | {"url","sha256","maxBytes"}
    volume      INTEGER,                    -- percent; NULL: each loudspeaker's own
    speakers    TEXT,                       -- JSON array of device ids; NULL: every loudspeaker
    plays       INTEGER NOT NULL,           -- how many times it is to be heard
    played      INTEGER NOT NULL DEFAULT 0, -- plays heard to the end
    interval_ms INTEGER NOT NULL,           -- from the end of one play to the start of the next
    due         INTEGER NOT NULL,           -- ms since epoch: the next play not before
    expires     INTEGER NOT NULL,           -- ms since epoch: dropped when not finished by then
    received    INTEGER NOT NULL,
    issued_by   TEXT    NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'queued', -- queued | done | failed | expired | cancelled
    error_code  TEXT,
    error_msg   TEXT,
    reported    INTEGER NOT NULL DEFAULT 0  -- 1 once the final reply and event are in the outbox
  );
  CREATE INDEX broadcasts_queued ON broadcasts (state, priority, due);
  `,
  // Zone arming (gateway/arming/store.ts): what operators and schedules decided survives a restart.
  `
  CREATE TABLE zone_arming (
    zone     TEXT    PRIMARY KEY,
    armed    INTEGER NOT NULL,             -- 1 armed, 0 disarmed
    source   TEXT    NOT NULL,             -- command | schedule
    changed  INTEGER NOT NULL              -- ms since epoch of that decision; a later schedule boundary wins
  );
  `,
  // 4 (issue 8 #13): the trusted time floor (gateway/commands/time-floor.ts): the latest time this box knew to be true
  // (its clock while NTP-synced, a verified command's issuedAt). Expiry is judged against it too, so a
  // clock set back cannot revive an expired command.
  `
  INSERT OR IGNORE INTO counters (name, value) VALUES ('trusted_time_ms', 0);
  `,
  // 5 (issue 8 D): names this database file, so the seq lease beside it (cloud-bridge/seq-lease.ts) can
  // tell the database it was written for from a new one that replaced a lost file.
  `
  -- Below 2^53, so JavaScript numbers (and the lease's JSON) hold it exactly.
  INSERT INTO counters (name, value) VALUES ('instance', abs(random() % 9007199254740991));
  `,
  // 6 (issue 9): each device's own key-value store (gateway/driver-storage.ts), the drivers' storage port.
  `
  CREATE TABLE device_kv (
    device TEXT NOT NULL,
    key    TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (device, key)
  ) WITHOUT ROWID;
  `,
  // self-test results (issue 12): every step of `vgw test` (provisioning/commands/selftest.ts), read by
  // `vgw report` for the acceptance record. Written by the CLI, alongside a running gateway or not.
  `
  CREATE TABLE selftest_results (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    run     TEXT    NOT NULL,             -- one id per vgw test invocation
    device  TEXT    NOT NULL,
    kind    TEXT    NOT NULL,             -- the device's driver kind
    step    TEXT    NOT NULL,             -- input | relay | speaker | ...
    result  TEXT    NOT NULL CHECK (result IN ('pass', 'fail', 'skipped')),
    ts      INTEGER NOT NULL,             -- ms since epoch, when the step ended
    detail  TEXT    NOT NULL
  );
  CREATE INDEX selftest_results_device ON selftest_results (device, ts);
  `,
];

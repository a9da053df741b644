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
  // 7 (issue 10): the whitelist the township syncs (gateway/access/store.ts) and the local entry
  // records (gateway/access/records.ts). Whitelist rows carry the generation they belong to: a full
  // sync writes the next generation in small transactions and switches to it in one, so the event path
  // never waits behind a 20,000-person write and a crash halfway leaves the old list whole.
  `
  INSERT OR IGNORE INTO counters (name, value) VALUES ('access_gen', 1);
  INSERT OR IGNORE INTO counters (name, value) VALUES ('access_version', 0);
  CREATE TABLE access_persons (
    gen         INTEGER NOT NULL,
    id          TEXT    NOT NULL,
    kind        TEXT    NOT NULL,            -- resident | staff | visitor
    watch       INTEGER NOT NULL DEFAULT 0,  -- 1: watch-listed, always refused
    lists       TEXT    NOT NULL,            -- JSON array of list names
    doors       TEXT    NOT NULL,            -- JSON array of door ids, "group:{name}" or "*"
    valid_from  INTEGER,                     -- ms since epoch; NULL: no start
    valid_to    INTEGER,                     -- ms since epoch, exclusive; NULL: no end
    windows     TEXT,                        -- JSON array of weekly windows; NULL: any time
    host        TEXT,                        -- a visitor's host person
    PRIMARY KEY (gen, id)
  );
  CREATE TABLE access_credentials (
    gen     INTEGER NOT NULL,
    hash    TEXT    NOT NULL,                -- HMAC-SHA256 of "method:value" with the gateway's access secret
    method  TEXT    NOT NULL,
    person  TEXT    NOT NULL,
    last2   TEXT    NOT NULL,
    card    BLOB,                            -- a card's uint32 for door controllers, AES-256-GCM sealed
    PRIMARY KEY (gen, hash)
  );
  CREATE INDEX access_credentials_person ON access_credentials (gen, person);
  CREATE TABLE access_groups (
    gen    INTEGER NOT NULL,
    name   TEXT    NOT NULL,
    doors  TEXT    NOT NULL,                 -- JSON array of door ids
    PRIMARY KEY (gen, name)
  );
  CREATE TABLE access_passback (
    person    TEXT    NOT NULL,
    door      TEXT    NOT NULL,
    direction TEXT    NOT NULL,              -- in | out: the last granted passage
    ts        INTEGER NOT NULL,
    PRIMARY KEY (person, door)
  ) WITHOUT ROWID;
  -- AUTOINCREMENT: ids never reused after pruning, so "records after id" stays right.
  CREATE TABLE access_records (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    ts         INTEGER NOT NULL,             -- ms since epoch of the decision
    door       TEXT    NOT NULL,
    reader     TEXT    NOT NULL,
    person     TEXT,
    granted    INTEGER NOT NULL,
    reason     TEXT,
    method     TEXT    NOT NULL,
    hash       TEXT    NOT NULL,
    last2      TEXT    NOT NULL,
    direction  TEXT,
    source     TEXT    NOT NULL              -- gateway: by the whitelist here | device: at the device (a controller, a reader's own refusal)
  );
  CREATE INDEX access_records_ts ON access_records (ts);
  CREATE INDEX access_records_person ON access_records (person, ts);
  CREATE INDEX access_records_door ON access_records (door, ts);
  `,
  // 8 (issue 11): camera pictures waiting for the uplink (cloud-bridge/snapshot-store.ts). A row is
  // committed in the transaction of the event that announces it; the JPEG is the file
  // snapshots/{event_id}.jpg beside the database, written and synced before that commit.
  `
  CREATE TABLE snapshots (
    event_id TEXT    PRIMARY KEY,          -- the announcing event's id
    topic    TEXT    NOT NULL,             -- snapshots/{event_id} of the contract
    bytes    INTEGER NOT NULL,
    sha256   TEXT    NOT NULL,             -- lowercase hex, as in the event's data.snapshot
    seq      INTEGER NOT NULL,             -- the event's seq: an evicted event takes its picture along
    created  INTEGER NOT NULL              -- ms since epoch
  );
  CREATE INDEX snapshots_seq ON snapshots (seq);
  `,
  // 9 (issue 10): person rules — the last sighting of each person an absence rule watches and the absences
  // already reported (gateway/person-rules/store.ts), and each patrol route's current run
  // (gateway/patrol/store.ts), so a welfare check and a patrol carry on across a restart.
  `
  CREATE TABLE person_seen (
    person TEXT    PRIMARY KEY,
    lists  TEXT    NOT NULL,             -- JSON array: the lists the latest event said the person is on
    seen   INTEGER NOT NULL,             -- ms since epoch
    device TEXT    NOT NULL              -- where
  ) WITHOUT ROWID;
  CREATE TABLE person_absence_alerts (
    rule   TEXT    NOT NULL,
    person TEXT    NOT NULL,
    seen   INTEGER NOT NULL,             -- the sighting whose absence was reported; a newer one re-arms the rule
    PRIMARY KEY (rule, person)
  ) WITHOUT ROWID;
  CREATE TABLE patrol_runs (
    route   TEXT    PRIMARY KEY,
    slot    INTEGER NOT NULL,            -- ms since epoch: the scheduled start of the latest run begun (or passed)
    run     TEXT    NOT NULL,            -- the run's id, in its events
    active  INTEGER NOT NULL,            -- 1 while checkpoints are still due
    next    INTEGER NOT NULL,            -- index of the next checkpoint due
    due     INTEGER NOT NULL,            -- ms since epoch: when it is missed
    checked INTEGER NOT NULL,
    missed  INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // 10 (issue 12): self-test results — every step of `vgw test` (provisioning/commands/selftest.ts), read by
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
  // 11 (issue 10): a device's own event id on a record (a UHPPOTE controller's event index), so an
  // event read again after a kill -9 (committed, the driver's cursor not yet) is not recorded twice.
  `
  ALTER TABLE access_records ADD COLUMN ref TEXT;
  CREATE UNIQUE INDEX access_records_ref ON access_records (reader, ref) WHERE ref IS NOT NULL;
  `,
  // 12 (issue 12, item 6): accepted events per hour, category and severity (gateway/event-counts.ts), for the
  // acceptance report's "last 24 h": the outbox forgets delivered events. Written once a minute; kept 400 days.
  `
  CREATE TABLE event_counts (
    hour     INTEGER NOT NULL,             -- ms since epoch (UTC) at the start of the hour
    category TEXT    NOT NULL,
    severity TEXT    NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (hour, category, severity)
  ) WITHOUT ROWID;
  `,
];

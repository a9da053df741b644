/**
 * The PostgreSQL archive's schema (issue 16), numbered from 1 by position; `archive_schema` records the
 * last one applied. Never edit a released one: append.
 *
 * Events are partitioned by month (declarative range partitioning) on `stamped`, the time the gateway
 * wrote into the event: it is part of the payload, so a redelivered event has the same key and the
 * primary key `(id, stamped)` makes it exactly once. (A partitioned table's unique keys must include the
 * partition key, and the reception time differs on each delivery.) `at_ms` is what searches use: the
 * same time when the gateway's clock was synced, else when the event arrived.
 * Months outside what `partitions.ts` creates (a gateway stamping 1970 before NTP) go to the default
 * partition. `data` is `json`, not `jsonb`: kept as the gateway sent it, and jsonb refuses `\u0000`.
 */
import { CASES_TABLE_SQL } from './cases-sql.js';
import { RECORDS_TABLES_SQL } from './counts-sql.js';

export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE events (
    id          text        NOT NULL,
    stamped     timestamptz NOT NULL,
    township    text        NOT NULL,
    gateway     text        NOT NULL,
    seq         bigint      NOT NULL,
    at_ms       bigint      NOT NULL,
    ts          text        NOT NULL,
    clock       text        NOT NULL,
    received_ms bigint      NOT NULL,
    device      text        NOT NULL,
    category    text        NOT NULL,
    type        text        NOT NULL,
    severity    smallint    NOT NULL,  -- 0 critical .. 3 info
    data        json        NOT NULL,
    PRIMARY KEY (id, stamped)
  ) PARTITION BY RANGE (stamped);
  CREATE TABLE events_default PARTITION OF events DEFAULT;
  CREATE INDEX events_at ON events (at_ms);
  CREATE INDEX events_gateway ON events (gateway, at_ms);
  CREATE INDEX events_device ON events (device, at_ms);
  CREATE INDEX events_seq ON events (gateway, seq);
  `,
  // 2: births, last wills and command replies, for the monthly report: a few rows per gateway and day,
  // not partitioned. `at_ms` is the first arrival (a retained status comes again at every reconnect).
  RECORDS_TABLES_SQL,
  // 3: alarm handling by the duty officers.
  CASES_TABLE_SQL,
  // 4: `vgw events query --follow` polls by arrival; created on every partition, present and future.
  `CREATE INDEX events_received ON events (received_ms);`,
];

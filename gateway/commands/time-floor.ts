/**
 * A time that never goes back (issue 8, #13): a Pi has no RTC, and with its clock 30 days behind a
 * captured command that had expired 10 days earlier was executed. The floor is the latest time this box
 * had reason to trust — its clock while NTP-synced, the `issuedAt` of verified commands — kept in
 * SQLite, so expiry is judged against the larger of it and the system clock.
 */
import type { Db } from '../../cloud-bridge/db.js';
import type { Clock } from '../kernel/clock.js';

/** A synced clock is written back at most this often (one fsync each). */
const SYNCED_WRITE_EVERY_MS = 60_000;

export class TimeFloor {
  private readonly stmts;
  private value: number;

  constructor(db: Db) {
    this.stmts = {
      read: db.prepare("SELECT value FROM counters WHERE name = 'trusted_time_ms'").pluck(),
      write: db.prepare("UPDATE counters SET value = ? WHERE name = 'trusted_time_ms' AND value < ?"),
    };
    this.value = (this.stmts.read.get() as number | undefined) ?? 0;
  }

  /** The latest trusted time in ms since epoch (0 when none is known yet). */
  get floor(): number {
    return this.value;
  }

  /** Raises the floor to `ms` (never lowers it); committed before it returns. */
  raise(ms: number): void {
    if (!Number.isSafeInteger(ms) || ms <= this.value) return;
    this.value = ms;
    this.stmts.write.run(ms, ms);
  }

  /** Records the clock when it is known good (NTP-synced), at most once a minute. */
  observe(clock: Clock): void {
    if (!clock.synced()) return;
    const now = clock.now();
    if (now - this.value >= SYNCED_WRITE_EVERY_MS) this.raise(now);
  }

  /** The time expiry is judged by: the system clock, unless the floor is later. */
  judge(clock: Clock): { now: number; byFloor: boolean } {
    this.observe(clock);
    const now = clock.now();
    return this.value > now ? { now: this.value, byFloor: true } : { now, byFloor: false };
  }
}

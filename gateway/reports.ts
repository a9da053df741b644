/**
 * `system` reports of rejected input (bad payloads, refused logins, ACL denials, rejected commands),
 * aggregated so that no flood of rejections can flood the outbox (issue 8, #4: every refused login with
 * a new username became its own stored event — 8,214 in 10 s — and during an outage 3,000 of them
 * evicted all 50 genuine `door.opened` events).
 *
 * - One aggregate per `type` + `reason`/`code`: everything else the caller gives (usernames, command
 *   ids, topics, devices) is attacker-chosen or attacker-multiplied, so it only goes into a bounded
 *   sample, never into the key.
 * - The first rejection of a kind is reported at once; later ones are counted and reported once per
 *   interval while they go on.
 * - At most `maxPerMinute` reports are stored per minute in all, and none while the outbox holds a
 *   backlog (`holdAtRows`): then they wait aggregated in memory, so reports never take more than that
 *   share of the outbox and never push a genuine event out.
 */
import { delayMs } from './kernel/timers.js';
import type { Logger } from 'pino';
import type { Severity } from './kernel/severity.js';
import type { Pipeline } from './pipeline.js';

/** Distinct samples (of the fields outside the key) kept per report. */
export const SAMPLES_PER_REPORT = 5;
/** Aggregates kept at once; reasons and codes are enums, so this is only a guard. */
const MAX_KINDS = 64;
/** Subjects counted one by one in `counts`; beyond that they share `(others)`. */
const MAX_SUBJECTS = 1000;

export interface ReportOptions {
  /** Length of one aggregation interval: a kind is reported at most once per interval. */
  intervalMs: number;
  /** Reports stored per minute, all kinds together. */
  maxPerMinute: number;
  /** The outbox's current backlog; reports are held in memory while it has `holdAtRows` rows or more. */
  backlog?: { readonly depth: number };
  holdAtRows?: number;
}

/** The rows of backlog from which reports wait in memory: 1 % of the outbox, at least 10, at most 1,000. */
export const holdAtRowsFor = (maxRows: number): number => Math.min(1000, Math.max(10, Math.floor(maxRows / 100)));

interface Aggregate {
  key: string;
  type: string;
  severity: Severity;
  /** Rejections not yet in a stored report. */
  pending: number;
  /** Data of the first of them, reported as the report's own fields. */
  first: Record<string, unknown> | null;
  samples: Record<string, unknown>[];
  sampleKeys: Set<string>;
  /** The next report of this kind is not stored before this time (ms). */
  quietUntil: number;
  timer: NodeJS.Timeout | null;
}

export class RejectionReports {
  private readonly kinds = new Map<string, Aggregate>();
  private readonly o: Required<Omit<ReportOptions, 'backlog'>> & Pick<ReportOptions, 'backlog'>;
  private minuteStart = 0;
  private storedThisMinute = 0;
  /** Reports handed to the pipeline and not yet committed (not yet in `backlog.depth`). */
  private storing = 0;
  /** Rejections by subject (device id, username or command key id), for health and tests. */
  readonly counts = new Map<string, number>();
  /** Rejections by `type/reason` (or `type/code`), bounded like `counts`; for /metrics (issue 13). */
  readonly byReason = new Map<string, number>();
  total = 0;
  /** Reports stored so far. */
  stored = 0;

  constructor(
    private readonly pipeline: Pick<Pipeline, 'system'>,
    private readonly log: Logger,
    options: Partial<ReportOptions> = {},
  ) {
    this.o = { intervalMs: 2000, maxPerMinute: 30, holdAtRows: Number.POSITIVE_INFINITY, ...options };
  }

  /**
   * Counts one rejection and reports it, aggregated by `type` and `data.reason` / `data.code`; the other
   * fields of `data` become samples. `subject` is what it is counted under in `counts`.
   */
  reject(type: string, severity: Severity, subject: string, data: Record<string, unknown>): void {
    this.total++;
    this.countSubject(subject);
    this.countReason(type, data);
    const agg = this.aggregateFor(type, severity, data);
    agg.pending++;
    agg.first ??= data;
    const sample = Object.fromEntries(Object.entries(data).filter(([k]) => k !== 'reason' && k !== 'code'));
    const sampleKey = JSON.stringify(sample);
    // A rejection with nothing beside its reason (e.g. system.lan.refused) has nothing to sample.
    if (sampleKey !== '{}' && agg.samples.length < SAMPLES_PER_REPORT && !agg.sampleKeys.has(sampleKey)) {
      agg.samples.push(sample);
      agg.sampleKeys.add(sampleKey);
    }
    if (Date.now() >= agg.quietUntil) this.report(agg);
    else this.arm(agg);
  }

  /** Stores what is still counted (at stop), as far as the outbox has room without evicting. */
  flush(): void {
    for (const [key, agg] of this.kinds) {
      if (agg.timer) clearTimeout(agg.timer);
      agg.timer = null;
      if (agg.pending > 0 && this.backlogLow()) this.send(agg);
      else if (agg.pending > 0) this.log.warn({ type: agg.type, count: agg.pending, samples: agg.samples }, 'rejections not reported: the outbox is full');
      this.kinds.delete(key);
    }
  }

  private aggregateFor(type: string, severity: Severity, data: Record<string, unknown>): Aggregate {
    const reason = typeof data.reason === 'string' ? data.reason : '';
    const code = typeof data.code === 'string' ? data.code : '';
    let key = `${type}\u0000${code}\u0000${reason}`;
    if (!this.kinds.has(key) && this.kinds.size >= MAX_KINDS) key = `${type}\u0000(other)`;
    let agg = this.kinds.get(key);
    if (!agg) {
      agg = { key, type, severity, pending: 0, first: null, samples: [], sampleKeys: new Set(), quietUntil: 0, timer: null };
      this.kinds.set(key, agg);
    }
    return agg;
  }

  /** Stores the aggregate's report now if the budget and the backlog allow, else later. */
  private report(agg: Aggregate): void {
    const now = Date.now();
    if (now - this.minuteStart >= 60_000) {
      this.minuteStart = now;
      this.storedThisMinute = 0;
    }
    if (this.storedThisMinute < this.o.maxPerMinute && this.backlogLow()) {
      this.storedThisMinute++;
      this.send(agg);
      agg.quietUntil = now + this.o.intervalMs;
    }
    this.arm(agg);
  }

  /** One timer per kind while it has something to report (or just reported): bounded by MAX_KINDS. */
  private arm(agg: Aggregate): void {
    if (agg.timer) return;
    const delay = Math.max(agg.quietUntil - Date.now(), 0) || this.o.intervalMs;
    agg.timer = setTimeout(() => {
      agg.timer = null;
      if (agg.pending > 0) this.report(agg);
      else this.kinds.delete(agg.key);
    }, delayMs(delay));
    agg.timer.unref();
  }

  private backlogLow(): boolean {
    return (this.o.backlog?.depth ?? 0) + this.storing < this.o.holdAtRows;
  }

  private send(agg: Aggregate): void {
    const data = { ...agg.first, count: agg.pending, ...(agg.pending > 1 && agg.samples.length > 0 ? { samples: agg.samples } : {}) };
    agg.pending = 0;
    agg.first = null;
    agg.samples = [];
    agg.sampleKeys = new Set();
    this.storing++;
    this.stored++;
    void this.pipeline
      .system(agg.type, agg.severity, data)
      .catch((err: unknown) => this.log.error({ err, type: agg.type, count: data.count }, 'could not store a rejection report'))
      .finally(() => this.storing--);
  }

  private countReason(type: string, data: Record<string, unknown>): void {
    const why = typeof data.reason === 'string' ? data.reason : typeof data.code === 'string' ? data.code : '';
    const wanted = `${type}/${why}`;
    const key = this.byReason.has(wanted) || this.byReason.size < MAX_SUBJECTS ? wanted : `${type}/(other)`;
    this.byReason.set(key, (this.byReason.get(key) ?? 0) + 1);
  }

  private countSubject(subject: string): void {
    const key = this.counts.has(subject) || this.counts.size < MAX_SUBJECTS ? subject : '(others)';
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}

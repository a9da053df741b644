/** What an eviction report says: counts by severity and the evicted seq ranges (contract: `system`). */
import type { Severity } from '../gateway/kernel/severity.js';
import { SEVERITY_BY_PRIO } from '../gateway/kernel/severity.js';

export interface EvictionSummary {
  count: number;
  bySeverity: Partial<Record<Severity, number>>;
  /** Inclusive [from, to] seq ranges, ascending. */
  ranges: [number, number][];
  maxRows: number;
  maxBytes: number;
}

/** Ranges per report, so one report stays a small MQTT message however scattered the victims. */
export const MAX_RANGES_PER_REPORT = 200;

export function summariseEviction(victims: { prio: number; seq: number }[], limits: { maxRows: number; maxBytes: number }): EvictionSummary[] {
  const sorted = [...victims].sort((a, b) => a.seq - b.seq);
  const summaries: EvictionSummary[] = [];
  let current: EvictionSummary | null = null;
  for (const v of sorted) {
    const last: [number, number] | undefined = current?.ranges[current.ranges.length - 1];
    if (current && last && last[1] === v.seq - 1) {
      last[1] = v.seq;
    } else {
      if (!current || current.ranges.length >= MAX_RANGES_PER_REPORT) {
        current = { count: 0, bySeverity: {}, ranges: [], maxRows: limits.maxRows, maxBytes: limits.maxBytes };
        summaries.push(current);
      }
      current.ranges.push([v.seq, v.seq]);
    }
    current.count++;
    const sev = SEVERITY_BY_PRIO[v.prio] ?? 'info';
    current.bySeverity[sev] = (current.bySeverity[sev] ?? 0) + 1;
  }
  return summaries;
}

/**
 * The monthly report (issue 16, 月度报告 / 考核): per village, the month's events by category and
 * severity, alarms and the commands answered, uptime from births and last wills, seq gaps, and the
 * devices offline longest — from any archive engine (`ArchiveStore.counts`).
 */
import { CATEGORIES } from '../../../gateway/kernel/categories.js';
import { SEVERITIES } from '../monitor/uplink-message.js';
import { countOf } from '../monitor/seq-ranges.js';
import type { ArchiveStore, RangeCounts } from './store.js';

/** One village's month. */
export interface VillageMonth {
  gateway: string;
  township: string;
  events: number;
  byCategory: Record<string, number>;
  bySeverity: Record<string, number>;
  /** Critical and major events: what the duty officer had to answer. */
  alarms: number;
  /** Command replies by status (`done`, `failed`, `rejected`, `accepted`). */
  commands: Record<string, number>;
  /** Share of the month the gateway was online, where its state was known; null when never known. */
  uptimePercent: number | null;
  /** Times it went offline in the month. */
  outages: number;
  /** Seq holes the gateway reported evicting, and holes nobody explained, over its whole archive. */
  evicted: number;
  lost: number;
  /** Devices offline longest in the month, longest first (at most 3). */
  devicesOffline: { device: string; offlineMin: number }[];
}

export interface MonthlyReport {
  month: string;
  from: number;
  to: number;
  generatedAt: number;
  villages: VillageMonth[];
}

/** The month `YYYY-MM` in local time, as `[from, to)` ms. */
export function monthRange(month: string): { from: number; to: number } {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  const n = m ? Number(m[2]) : 0;
  if (!m || n < 1 || n > 12) throw new Error(`--month ${month}: use a month like 2026-11`);
  return { from: new Date(Number(m[1]), n - 1, 1).getTime(), to: new Date(Number(m[1]), n, 1).getTime() };
}

const zeros = (keys: readonly string[]): Record<string, number> => Object.fromEntries(keys.map((k) => [k, 0]));

/** Online time over `[from, end)` from the gateway's status changes (its last one before `from` included). */
function uptime(changes: readonly { online: boolean; atMs: number }[], from: number, end: number): { percent: number | null; outages: number } {
  let online: boolean | null = null;
  let since = from;
  let onlineMs = 0;
  let knownMs = 0;
  let outages = 0;
  const close = (at: number) => {
    const t = Math.max(from, Math.min(at, end));
    if (online !== null && t > since) {
      knownMs += t - since;
      if (online) onlineMs += t - since;
    }
    since = Math.max(since, t);
  };
  for (const c of changes) {
    close(c.atMs);
    if (online === true && !c.online && c.atMs >= from) outages++;
    online = c.online;
  }
  close(end);
  return { percent: knownMs > 0 ? Math.round((onlineMs / knownMs) * 1000) / 10 : null, outages };
}

/** Offline time per device over `[from, end)` from its `device.offline` / `device.online` events. */
function devicesOffline(changes: RangeCounts['deviceChanges'], end: number): { device: string; offlineMin: number }[] {
  const down = new Map<string, number>();
  const total = new Map<string, number>();
  for (const c of changes) {
    const since = down.get(c.device);
    if (!c.online && since === undefined) down.set(c.device, c.atMs);
    if (c.online && since !== undefined) {
      total.set(c.device, (total.get(c.device) ?? 0) + c.atMs - since);
      down.delete(c.device);
    }
  }
  for (const [device, since] of down) total.set(device, (total.get(device) ?? 0) + Math.max(0, end - since));
  return [...total]
    .map(([device, ms]) => ({ device, offlineMin: Math.round(ms / 60_000) }))
    .sort((a, b) => b.offlineMin - a.offlineMin || a.device.localeCompare(b.device))
    .slice(0, 3);
}

export async function monthlyReport(store: ArchiveStore, month: string, now = Date.now()): Promise<MonthlyReport> {
  const { from, to } = monthRange(month);
  // A month still running is reported up to now: the rest of it is not downtime.
  const end = Math.min(to, now);
  const counts = await store.counts(from, to);
  const gaps = new Map((await store.gaps()).map((g) => [g.gateway, g]));
  const villages = new Map<string, VillageMonth>();
  const village = (gateway: string, township = ''): VillageMonth => {
    let v = villages.get(gateway);
    if (!v) {
      v = { gateway, township, events: 0, byCategory: zeros(CATEGORIES), bySeverity: zeros(SEVERITIES), alarms: 0, commands: zeros(['done', 'failed', 'rejected', 'accepted']), uptimePercent: null, outages: 0, evicted: 0, lost: 0, devicesOffline: [] };
      villages.set(gateway, v);
    }
    if (township && !v.township) v.township = township;
    return v;
  };
  for (const r of counts.events) {
    const v = village(r.gateway, r.township);
    v.events += r.n;
    v.byCategory[r.category] = (v.byCategory[r.category] ?? 0) + r.n;
    v.bySeverity[r.severity] = (v.bySeverity[r.severity] ?? 0) + r.n;
    if (r.severity === 'critical' || r.severity === 'major') v.alarms += r.n;
  }
  for (const r of counts.replies) {
    const v = village(r.gateway);
    v.commands[r.status] = (v.commands[r.status] ?? 0) + r.n;
  }
  const byGateway = <T extends { gateway: string }>(rows: readonly T[]): Map<string, T[]> => {
    const m = new Map<string, T[]>();
    for (const r of rows) m.set(r.gateway, [...(m.get(r.gateway) ?? []), r]);
    return m;
  };
  for (const [gateway, changes] of byGateway(counts.presence)) Object.assign(village(gateway), ((u) => ({ uptimePercent: u.percent, outages: u.outages }))(uptime(changes, from, end)));
  for (const [gateway, changes] of byGateway(counts.deviceChanges)) village(gateway).devicesOffline = devicesOffline(changes, end);
  for (const v of villages.values()) {
    const g = gaps.get(v.gateway);
    if (g) [v.evicted, v.lost] = [countOf(g.explained), countOf(g.unexplained)];
  }
  return { month, from, to, generatedAt: now, villages: [...villages.values()].sort((a, b) => a.township.localeCompare(b.township) || a.gateway.localeCompare(b.gateway)) };
}

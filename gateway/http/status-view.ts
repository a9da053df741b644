/**
 * A status snapshot as words in one language: the lines and tables that the status page (HTML) and
 * `vgw status` (a terminal) both show, so the two never say different things.
 */
import { isoLocal } from '../kernel/clock.js';
import type { StatusSnapshot } from './status.js';
import { duration, t, type Lang, type TextKey } from './status-text.js';

/** The words and rows of one status view. */
export interface StatusView {
  title: string;
  /** [label, value] lines: gateway, uplink, backlog, health. */
  summary: [string, string][];
  /** Problems /healthz reports (empty when healthy or unknown). */
  problems: string[];
  devices: { head: string[]; rows: string[][]; online: boolean[] };
  zones: { title: string; rows: string[][]; empty: string };
  recent: { title: string; head: string[]; rows: string[][]; empty: string };
}

const clockTime = (ms: number): string => isoLocal(ms).slice(0, 19).replace('T', ' ');

/** `s` in the words of `lang`. */
export function statusView(s: StatusSnapshot, lang: Lang): StatusView {
  const ago = (ms: number) => t(lang, 'status.ago', { d: duration(lang, (s.ts - ms) / 1000) });
  const summary: [string, string][] = [[t(lang, 'status.gateway'), `${s.gateway.id} (${t(lang, 'status.township')} ${s.gateway.township})`]];
  if (s.gateway.version) summary.push([t(lang, 'status.version'), s.gateway.version]);
  if (s.gateway.startedAt !== undefined) summary.push([t(lang, 'status.uptime'), duration(lang, (s.ts - s.gateway.startedAt) / 1000)]);
  if (s.uplink) {
    const since = s.uplink.connectedSince ?? s.uplink.downSince;
    const state = t(lang, `status.uplink.${s.uplink.state}` as TextKey);
    summary.push([t(lang, 'status.uplink'), since === null ? state : `${state}, ${t(lang, 'status.since', { time: clockTime(since) })}`]);
  } else {
    summary.push([t(lang, 'status.uplink'), t(lang, 'status.uplink.unknown')]);
  }
  const b = s.backlog;
  const eta = b.drainEtaSec === null ? t(lang, 'status.eta.unknown') : t(lang, 'status.backlog.eta', { d: duration(lang, b.drainEtaSec) });
  summary.push([t(lang, 'status.backlog'), b.depth === 0 ? t(lang, 'status.backlog.empty') : t(lang, 'status.backlog.line', { depth: b.depth, oldest: b.oldest === null ? '-' : clockTime(b.oldest), eta })]);
  if (s.health) summary.push([t(lang, 'status.health'), t(lang, s.health.ok ? 'status.healthy' : 'status.unhealthy')]);
  const devState = (d: StatusSnapshot['devices'][number]): string =>
    d.status === 'degraded' ? t(lang, 'status.degraded') : d.online === null ? '-' : t(lang, d.online ? 'status.online' : 'status.offline');
  return {
    title: t(lang, 'status.title'),
    summary,
    problems: s.health?.reasons.map((r) => r.message) ?? [],
    devices: {
      head: [t(lang, 'status.device'), t(lang, 'status.kind'), t(lang, 'status.state'), t(lang, 'status.last.event')],
      rows: s.devices.map((d) => [d.id, d.driver, devState(d), d.lastSeen === null ? t(lang, 'status.never') : `${d.lastType ?? ''} (${ago(d.lastSeen)})`]),
      online: s.devices.map((d) => d.online === true && d.status !== 'degraded'),
    },
    zones: { title: t(lang, 'status.zones'), rows: s.zones.map((z) => [z.zone, t(lang, z.armed ? 'status.armed' : 'status.disarmed')]), empty: t(lang, 'status.zones.none') },
    recent: {
      title: `${t(lang, 'status.recent')}${s.source === 'database' ? ` ${t(lang, 'status.recent.undelivered')}` : ''}`,
      head: ['seq', t(lang, 'status.time'), t(lang, 'status.device'), t(lang, 'status.type'), t(lang, 'status.severity')],
      rows: s.recent.map((e) => [String(e.seq), clockTime(e.ts).slice(5), e.device, e.type, e.severity]),
      empty: t(lang, 'status.recent.none'),
    },
  };
}

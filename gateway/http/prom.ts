/**
 * /metrics in the Prometheus text format (issue 13, item 3) with prom-client, on a Registry of our own
 * (the global one would mix in whatever else in the process registers there). Nothing is counted
 * here: each scrape copies the gateway's own counters (`collect`), so the figures are the ones
 * `inspect()`, the township's `metrics` message and the status page show.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Counter, Gauge, Registry } from 'prom-client';
import { diskFreeBytes } from '../metrics.js';
import type { Activity } from './activity.js';
import { evaluateHealth, type UplinkDownWatch } from './health.js';
import type { OpsSources } from './sources.js';

const UPLINK_STATES = ['connected', 'connecting', 'disconnected'] as const;

type Read<L extends string> = () => Iterable<[Partial<Record<L, string>>, number]>;

/**
 * A metric read from the gateway at each scrape. A counter mirrors a total kept elsewhere: set (reset,
 * then inc) to the source's value, so its type stays `counter` for rate() while nothing counts twice.
 */
function collected<L extends string>(kind: 'counter' | 'gauge', reg: Registry, name: string, help: string, labelNames: readonly L[], read: Read<L>): void {
  const common = { name, help, labelNames, registers: [reg] };
  if (kind === 'counter') {
    new Counter({
      ...common,
      collect() {
        this.reset();
        for (const [l, v] of read()) this.inc(l, v);
      },
    });
    return;
  }
  new Gauge({
    ...common,
    collect() {
      this.reset();
      for (const [l, v] of read()) this.set(l, v);
    },
  });
}

const mirrored = <L extends string>(reg: Registry, name: string, help: string, labelNames: readonly L[], read: Read<L>): void => collected('counter', reg, name, help, labelNames, read);
const gauge = <L extends string>(reg: Registry, name: string, help: string, labelNames: readonly L[], read: Read<L>): void => collected('gauge', reg, name, help, labelNames, read);

/** `a/b` keys of a count map as two labels. */
function split<A extends string, B extends string>(map: ReadonlyMap<string, number>, a: A, b: B): [Partial<Record<A | B, string>>, number][] {
  return [...map].map(([key, n]) => {
    const i = key.indexOf('/');
    return [{ [a]: i < 0 ? key : key.slice(0, i), [b]: i < 0 ? '' : key.slice(i + 1) } as Partial<Record<A | B, string>>, n];
  });
}

const one = (value: number): [Record<string, never>, number][] => [[{}, value]];

/** The registry /metrics serves. */
export interface PromMetrics {
  registry: Registry;
  /** Stops the event-loop delay monitor. */
  stop(): void;
}

/** Registers every metric on a new Registry of our own, read from `s` at each scrape. */
export function buildPromMetrics(s: OpsSources, activity: Activity, uplinkDown: UplinkDownWatch): PromMetrics {
  const reg = new Registry();
  // perf_hooks samples the loop's delay every 20 ms in C++; reset per scrape so each scrape sees its own interval.
  const loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  mirrored(reg, 'vgw_events_accepted_total', 'Events committed to the outbox.', [], () => one(s.accepted()));
  mirrored(reg, 'vgw_events_delivered_total', 'Outbox rows the township broker acknowledged (PUBACK).', [], () => one(s.uplink.delivered));
  mirrored(reg, 'vgw_events_evicted_total', 'Events evicted from a full outbox (each eviction is reported as a system event).', [], () => one(s.outbox.evicted));
  mirrored(reg, 'vgw_events_refused_total', 'Events refused before commit, by reason.', ['reason'], () => [
    [{ reason: 'db-lost' }, s.outbox.refused.dbLost],
    [{ reason: 'disk-full' }, s.outbox.refused.diskFull],
  ]);
  mirrored(reg, 'vgw_events_rejected_total', 'Rejected input (device payloads, commands, logins), by report type and reason.', ['type', 'reason'], () => split(s.rejectedByReason, 'type', 'reason'));
  mirrored(reg, 'vgw_lan_refused_total', 'LAN connections the local broker refused, by reason.', ['reason'], () => [...s.lanRefusals].map(([reason, n]) => [{ reason }, n]));
  mirrored(reg, 'vgw_commands_total', 'Command replies, by status and error code.', ['status', 'code'], () => split(s.commandOutcomes, 'status', 'code'));
  mirrored(reg, 'vgw_uplink_reconnects_total', 'Uplink reconnect attempts scheduled.', [], () => one(s.uplink.reconnects));
  gauge(reg, 'vgw_backlog_depth', 'Rows waiting in the outbox.', [], () => one(s.outbox.depth));
  gauge(reg, 'vgw_backlog_bytes', 'Payload bytes waiting in the outbox.', [], () => one(s.outbox.bytes));
  gauge(reg, 'vgw_backlog_oldest_age_seconds', 'Age of the oldest waiting row (0 when empty).', [], () => one((s.outbox.oldestAgeMs() ?? 0) / 1000));
  gauge(reg, 'vgw_uplink_state', 'Uplink state: 1 for the current one.', ['state'], () => UPLINK_STATES.map((st) => [{ state: st }, s.uplink.state === st ? 1 : 0]));
  gauge(reg, 'vgw_uplink_down_seconds', 'How long the uplink has been down (0 while connected).', [], () => one(uplinkDown.downMs() / 1000));
  gauge(reg, 'vgw_device_online', 'Whether each device is online (1) or not (0).', ['device'], () => s.config().devices.map((d) => [{ device: d.id }, s.health(d.id)?.online ? 1 : 0]));
  gauge(reg, 'vgw_device_last_seen_timestamp_seconds', 'When each device last sent a committed event (absent: not since start).', ['device'], () =>
    s.config().devices.flatMap((d) => {
      const seen = activity.lastSeen(d.id);
      return seen ? [[{ device: d.id }, seen.ts / 1000] as [Partial<Record<'device', string>>, number]] : [];
    }),
  );
  gauge(reg, 'vgw_device_figure', 'Figures a device\'s driver keeps (a camera: reachable, outages, driftSec, snapshotsOk, ...), by device and figure; absent while unknown.', ['device', 'figure'], () =>
    s.config().devices.flatMap((d) =>
      Object.entries(s.figures(d.id) ?? {}).flatMap(([figure, v]) => (v === null ? [] : [[{ device: d.id, figure }, v] as [Partial<Record<'device' | 'figure', string>>, number]])),
    ),
  );
  gauge(reg, 'vgw_zone_armed', 'Whether each zone is armed.', ['zone'], () => s.zones().map((z) => [{ zone: z.zone }, z.armed ? 1 : 0]));
  gauge(reg, 'vgw_broadcast_queue_depth', 'Notices waiting or playing.', [], () => one(s.broadcastQueued()));
  gauge(reg, 'vgw_disk_free_bytes', 'Free bytes in the data directory.', [], () => one(diskFreeBytes(s.config().gateway.dataDir) ?? 0));
  gauge(reg, 'vgw_healthy', '1 when /healthz would answer 200.', [], () => one(evaluateHealth(s, uplinkDown).ok ? 1 : 0));
  gauge(reg, 'vgw_process_resident_memory_bytes', 'Resident set size of the gateway process.', [], () => one(process.memoryUsage.rss()));
  gauge(reg, 'vgw_event_loop_lag_seconds', 'Event-loop delay since the last scrape, by quantile (perf_hooks monitorEventLoopDelay).', ['quantile'], () => {
    const q: [Partial<Record<'quantile', string>>, number][] = [
      [{ quantile: '0.5' }, loop.percentile(50) / 1e9],
      [{ quantile: '0.99' }, loop.percentile(99) / 1e9],
      [{ quantile: '1' }, loop.max / 1e9],
    ];
    loop.reset();
    return q.map(([l, v]) => [l, Number.isFinite(v) ? v : 0]);
  });
  gauge(reg, 'vgw_uptime_seconds', 'Seconds since the gateway started.', [], () => one((s.clock.now() - s.startedAt) / 1000));
  return { registry: reg, stop: () => loop.disable() };
}

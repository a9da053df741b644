/**
 * Contract-valid township messages made without a gateway: for the model's unit tests, for artificial
 * gaps and duplicates on a real broker, and for the fleet simulator of the benchmark.
 */
import { v7 as uuidv7 } from 'uuid';
import { isoLocal } from '../../gateway/kernel/clock.js';
import type { EventEnvelope, Severity, UplinkMessage } from '../../provisioning/township/monitor/uplink-message.js';

export const TOWNSHIP = '370283104';

export function envelope(gateway: string, seq: number, over: Partial<EventEnvelope> = {}): EventEnvelope {
  return { id: uuidv7(), seq, ts: isoLocal(Date.now()), clock: 'synced', gateway, device: 'door-east', category: 'door', type: 'door.opened', severity: 'info', data: {}, ...over };
}

export function evictionReport(gateway: string, seq: number, ranges: [number, number][]): EventEnvelope {
  const count = ranges.reduce((n, [a, b]) => n + b - a + 1, 0);
  return envelope(gateway, seq, { device: gateway, category: 'system', type: 'system.outbox.evicted', severity: 'major', data: { count, bySeverity: { info: count }, ranges, maxRows: 100, maxBytes: 1_000_000 } });
}

export const eventMsg = (e: EventEnvelope, township = TOWNSHIP): UplinkMessage => ({ kind: 'event', township, gateway: e.gateway, event: e });

export const birthMsg = (gateway: string, backlog = 0, township = TOWNSHIP): UplinkMessage => ({
  kind: 'status', township, gateway, status: { online: true, ts: isoLocal(Date.now()), version: '0.1.0', bootId: 'boot-1', backlog },
});

export const offlineMsg = (gateway: string, reason: 'lwt' | 'shutdown' = 'lwt', township = TOWNSHIP): UplinkMessage => ({
  kind: 'status', township, gateway, status: { online: false, ts: isoLocal(Date.now()), reason },
});

export const metricsMsg = (gateway: string, depth: number, township = TOWNSHIP): UplinkMessage => ({
  kind: 'metrics', township, gateway, metrics: { ts: isoLocal(Date.now()), backlog: { depth, oldestAgeSec: depth ? 12 : null } },
});

/** The event's topic, as a gateway publishes it. */
export const eventTopic = (e: EventEnvelope, township = TOWNSHIP): string => `pingan/v1/${township}/${e.gateway}/events/${e.category}`;

const TYPES: [string, string, Severity][] = [
  ['door', 'door.opened', 'info'], ['access', 'card.swiped', 'info'], ['camera', 'camera.motion', 'minor'],
  ['device', 'device.heartbeat', 'info'], ['door', 'door.forced', 'major'], ['alarm', 'panic.pressed', 'critical'],
];

/** A plausible village event: mostly doors, cards and motion, now and then an alarm. */
export function villageEvent(gateway: string, seq: number): EventEnvelope {
  const r = Math.random();
  const [category, type, severity] = TYPES[r < 0.4 ? 0 : r < 0.7 ? 1 : r < 0.9 ? 2 : r < 0.97 ? 3 : r < 0.995 ? 4 : 5] as [string, string, Severity];
  return envelope(gateway, seq, { category, type, severity, device: `${category}-${seq % 7}`, data: { zone: `zone-${seq % 5}`, n: seq, note: '东门 east gate' } });
}

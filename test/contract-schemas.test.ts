import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assertUplinkValid, doorDataProblems, validateCommand, validateSignedCommand, validateUplink } from './support/contract.js';

const TOWNSHIP = '370283104';
const GW = '370283104-xiejiayu-01';
const BASE = `pingan/v1/${TOWNSHIP}/${GW}`;
const TS = '2026-11-23T21:40:00.123+08:00';
const EVENT_ID = '0193c0de-7a1b-7c3e-9f00-5b2a1c9d4e11';
const CMD_ID = '0193c0df-0000-7000-8000-00000000beef';

type Obj = Record<string, unknown>;
const json = (v: unknown): string => JSON.stringify(v);
const without = (o: Obj, ...keys: string[]): Obj => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

/** The envelope exactly as the contract page shows it. */
const alarm: Obj = {
  id: EVENT_ID,
  seq: 104233,
  ts: TS,
  clock: 'synced',
  gateway: GW,
  device: 'panic-east-gate',
  category: 'alarm',
  type: 'alarm.triggered',
  severity: 'critical',
  data: { zone: 'east-gate', input: 'panic' },
};
const sys = (type: string, data: Obj, over: Obj = {}): Obj =>
  ({ ...alarm, device: GW, category: 'system', severity: 'major', type, data, ...over });
const dev = (type: string, data: Obj, over: Obj = {}): Obj =>
  ({ ...alarm, category: 'device', severity: 'info', type, data, ...over });

const door = (type: string, data: Obj, over: Obj = {}): Obj =>
  ({ ...alarm, device: 'gate-east', category: 'door', severity: 'info', type, data, ...over });
/** A network controller's stamp on a back-filled door event. */
const stamp = { index: 4711, at: TS, backfilled: true };

const birth: Obj = { online: true, ts: TS, version: '0.1.0', bootId: 'b7e1c2d4-0000-4000-8000-000000000001', backlog: 12 };
const offline: Obj = { online: false, ts: '2026-11-23T13:40:00Z', reason: 'lwt' };
const deviceState: Obj = { ts: TS, online: true, state: { relay: 'closed', battery: 87 } };
const metrics: Obj = {
  ts: TS,
  uptimeSec: 3600.5,
  uplink: { state: 'connected', reconnects: 2, connectedSince: '2026-11-23T21:00:00+08:00' },
  backlog: { depth: 3, bytes: 2048, oldestAgeSec: 4.2, estDrainSec: 0.3 },
  diskFreeBytes: 12_000_000_000,
  cpuTempC: 51.3,
  events: { accepted: 100, rejected: 1, evicted: 0, delivered: 97 },
  commands: { executed: 4, rejected: 1 },
  devices: { online: 7, total: 8 },
};
const metricsOffline: Obj = {
  ...metrics,
  uplink: { state: 'disconnected', reconnects: 0, connectedSince: null },
  backlog: { depth: 0, bytes: 0, oldestAgeSec: null, estDrainSec: null },
  diskFreeBytes: null,
  cpuTempC: null,
};
const evicted = { count: 5, bySeverity: { info: 4, minor: 1 }, ranges: [[10, 13], [20, 20]], maxRows: 100000, maxBytes: 268435456 };
const snapshotRef = { topic: `${BASE}/snapshots/${EVENT_ID}`, bytes: 48213, sha256: 'a'.repeat(64) };
const snapshotError = { reason: 'disk-full', message: 'the data disk has 1000 bytes free; a picture must leave 100663296' };
const dropped = { reason: 'queue-full', eventId: EVENT_ID, bytes: 48213, count: 3, samples: [{ eventId: CMD_ID, bytes: 1000 }] };
const command: Obj = {
  id: CMD_ID, name: 'door.unlock', township: TOWNSHIP, target: GW,
  issuedAt: TS, expiresAt: '2026-11-23T21:45:00.123+08:00', by: 'operator-li', door: 'east-gate', seconds: 5,
};
const signed: Obj = { cmd: json(command), kid: 'township-ops-2026', sig: 'A'.repeat(86) + '==' };

describe('schema files', () => {
  const dir = new URL('../docs/schemas/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  it('has one draft 2020-12 schema per message, with a urn:vgw:schema $id matching the file name', () => {
    expect(files.sort()).toEqual(['access-sync.json', 'command.json', 'device-state.json', 'event.json', 'metrics.json', 'reply.json',
      'signed-command.json', 'status.json', 'system-data.json']);
    for (const f of files) {
      const s = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Obj;
      expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(s.$id).toBe(`urn:vgw:schema:${f.replace(/\.json$/, '')}`);
    }
  });
});

describe('valid uplink messages pass', () => {
  const valid: [string, string, string | Buffer, string][] = [
    ['birth', `${BASE}/status`, json(birth), 'status'],
    ['last will', `${BASE}/status`, json(offline), 'status'],
    ['clean shutdown', `${BASE}/status`, json({ ...offline, reason: 'shutdown' }), 'status'],
    ['the contract example event', `${BASE}/events/alarm`, json(alarm), 'event'],
    ['event as a Buffer', `${BASE}/events/alarm`, Buffer.from(json(alarm)), 'event'],
    ['unsynced clock, Z offset, no fraction', `${BASE}/events/alarm`, json({ ...alarm, clock: 'unsynced', ts: '1970-01-01T00:00:07Z' }), 'event'],
    ['free-form data of another type', `${BASE}/events/access`, json({ ...alarm, category: 'access', type: 'card.swiped', severity: 'info', data: {} }), 'event'],
    ['camera event with snapshot', `${BASE}/events/camera`, json({ ...alarm, category: 'camera', type: 'motion', data: { snapshot: snapshotRef } }), 'event'],
    ['camera event whose picture was not kept', `${BASE}/events/camera`, json({ ...alarm, category: 'camera', type: 'camera.motion', data: { snapshotError } }), 'event'],
    ['camera event whose fetch timed out (a driver reason)', `${BASE}/events/camera`, json({ ...alarm, category: 'camera', type: 'camera.motion', data: { snapshotError: { reason: 'timeout', message: 'no answer in 5 s' } } }), 'event'],
    ['system.snapshot.dropped', `${BASE}/events/system`, json(sys('system.snapshot.dropped', dropped, { severity: 'minor' })), 'event'],
    ['system.snapshot.dropped, event evicted', `${BASE}/events/system`, json(sys('system.snapshot.dropped', { reason: 'event-evicted', eventId: EVENT_ID, bytes: 5, count: 1 }, { severity: 'minor' })), 'event'],
    ['system.payload.rejected', `${BASE}/events/system`, json(sys('system.payload.rejected', { device: 'door-1', reason: 'too-large', count: 3, bytes: 70000 })), 'event'],
    ['system.payload.rejected without bytes', `${BASE}/events/system`, json(sys('system.payload.rejected', { device: 'door-1', reason: 'not-json', count: 1 })), 'event'],
    ['system.outbox.evicted', `${BASE}/events/system`, json(sys('system.outbox.evicted', evicted)), 'event'],
    ['system.command.rejected', `${BASE}/events/system`, json(sys('system.command.rejected', { code: 'replayed', commandId: CMD_ID, name: 'door.unlock', kid: 'k1', count: 2 })), 'event'],
    ['system.command.rejected, unsigned', `${BASE}/events/system`, json(sys('system.command.rejected', { code: 'unsigned', count: 1 })), 'event'],
    ['system.acl.denied', `${BASE}/events/system`, json(sys('system.acl.denied', { device: 'door-1', topic: 'dev/door-2/cmd', action: 'subscribe', count: 1 })), 'event'],
    ['system.auth.failed', `${BASE}/events/system`, json(sys('system.auth.failed', { username: '', reason: 'anonymous', count: 9 })), 'event'],
    ['system.auth.failed, aggregated with samples', `${BASE}/events/system`, json(sys('system.auth.failed', { username: 'a', reason: 'unknown-device', count: 3000, samples: [{ username: 'a' }, { username: 'b' }] })), 'event'],
    ['system.started', `${BASE}/events/system`, json(sys('system.started', { version: '0.1.0', bootId: 'b7e1' }, { severity: 'info' })), 'event'],
    ['device.online', `${BASE}/events/device`, json(dev('device.online', { reason: 'connect' })), 'event'],
    ['device.offline', `${BASE}/events/device`, json(dev('device.offline', { reason: 'will' }, { severity: 'major' })), 'event'],
    ['door.alarm of a controller', `${BASE}/events/door`, json(door('door.alarm', { door: 'gate-east', reason: 'fire', index: 12, at: TS }, { device: 'ctl-east' })), 'event'],
    ['controller.events.lost', `${BASE}/events/door`, json(door('controller.events.lost', { controller: 423187757, from: 1, to: 14, count: 14 }, { device: 'ctl-east', severity: 'major' })), 'event'],
    ['system.payload.rejected of a controller frame', `${BASE}/events/system`, json(sys('system.payload.rejected', { device: 'ctl-east', reason: 'wrong-serial', count: 2, bytes: 64 })), 'event'],
    ['device state', `${BASE}/devices/panic-east-gate/state`, json(deviceState), 'device-state'],
    ['metrics, connected', `${BASE}/metrics`, json(metrics), 'metrics'],
    ['metrics, disconnected and empty', `${BASE}/metrics`, json(metricsOffline), 'metrics'],
    ['metrics with pictures', `${BASE}/metrics`, json({ ...metrics, snapshots: { waiting: 4, bytes: 200_000, sent: 12, dropped: 1 } }), 'metrics'],
    ['metrics with camera figures', `${BASE}/metrics`, json({ ...metrics, devices: { online: 1, total: 1, figures: { 'cam-gate': { reachable: 1, outages: 0, driftSec: null } } } }), 'metrics'],
    ['reply accepted', `${BASE}/replies/${CMD_ID}`, json({ id: CMD_ID, status: 'accepted', ts: TS }), 'reply'],
    ['reply done', `${BASE}/replies/${CMD_ID}`, json({ id: CMD_ID, status: 'done', ts: TS }), 'reply'],
    ['reply rejected', `${BASE}/replies/${CMD_ID}`, json({ id: CMD_ID, status: 'rejected', ts: TS, error: { code: 'expired', message: 'expired at ...' } }), 'reply'],
    ['reply failed, free code', `${BASE}/replies/${CMD_ID}`, json({ id: CMD_ID, status: 'failed', ts: TS, error: { code: 'relay-timeout', message: 'no answer' } }), 'reply'],
    ['snapshot bytes', `${BASE}/snapshots/${EVENT_ID}`, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00]), 'snapshot'],
  ];
  it.each(valid)('%s', (_name, topic, payload, kind) => {
    expect(validateUplink(topic, payload)).toEqual({ ok: true, kind });
    expect(() => assertUplinkValid(topic, payload)).not.toThrow();
  });
});

describe("door events of the gateway's door kinds: data as event.json's door $defs fix it", () => {
  const valid: [string, string, Obj][] = [
    ['door.unlocked by a grant', 'door.unlocked', { by: 'grant', seconds: 5, person: 'p-zhang-san' }],
    ['door.unlocked back-filled', 'door.unlocked', { by: 'rex', ...stamp }],
    ['door.locked', 'door.locked', { unlocks: 1, openings: 1, open: false }],
    ['door.opened', 'door.opened', { by: 'grant', person: 'p1', opening: 1 }],
    ['door.opened back-filled', 'door.opened', stamp],
    ['door.closed', 'door.closed', { openSec: 4.2 }],
    ['door.forced', 'door.forced', { locked: true }],
    ['door.forced back-filled without a controller time', 'door.forced', { ...stamp, at: null }],
    ['door.held_open', 'door.held_open', { openSec: 60 }],
    ['door.held_open.cleared', 'door.held_open.cleared', { openSec: 75 }],
    ['door.tailgating', 'door.tailgating', { openings: 2, unlocks: 1, by: 'grant' }],
  ];
  it.each(valid)('%s', (_name, type, data) => expect(doorDataProblems(type, data)).toEqual([]));
  const invalid: [string, string, Obj, RegExp][] = [
    ['door.unlocked by an unknown means', 'door.unlocked', { by: 'magic', seconds: 3 }, /\/by must be equal to one of/],
    ['door.opened neither live nor back-filled', 'door.opened', { person: 'p1' }, /must have required property 'by'/],
    ['door.locked without its counts', 'door.locked', { open: false }, /must have required property 'unlocks'/],
    ['a door event with a card number', 'door.unlocked', { by: 'grant', seconds: 3, card: 10058400 }, /additional properties: "card"/],
    ['an unknown door type', 'door.exploded', {}, /not a door event type/],
  ];
  it.each(invalid)('%s', (_name, type, data, why) => expect(doorDataProblems(type, data).join('\n')).toMatch(why));
});

describe('invalid uplink messages fail, for the right reason', () => {
  const ev = `${BASE}/events/alarm`;
  const sysT = `${BASE}/events/system`;
  const rep = `${BASE}/replies/${CMD_ID}`;
  const invalid: [string, string, string | Buffer, RegExp][] = [
    // status
    ['birth without bootId', `${BASE}/status`, json(without(birth, 'bootId')), /bootId/],
    ['birth with a reason', `${BASE}/status`, json({ ...birth, reason: 'lwt' }), /additional properties: "reason"/],
    ['offline with unknown reason', `${BASE}/status`, json({ ...offline, reason: 'crash' }), /\/reason must be equal to one of/],
    ['status ts without offset', `${BASE}/status`, json({ ...offline, ts: '2026-11-23T21:40:00' }), /\/ts must match/],
    ['birth with negative backlog', `${BASE}/status`, json({ ...birth, backlog: -1 }), /\/backlog must be >= 0/],
    ['birth with fractional backlog', `${BASE}/status`, json({ ...birth, backlog: 1.5 }), /\/backlog must be integer/],
    // event envelope
    ['wrong severity', ev, json({ ...alarm, severity: 'high' }), /\/severity must be equal to one of/],
    ['door.alarm in another category', ev, json(door('door.alarm', { door: 'gate-east', reason: 'fire', index: 1, at: TS }, { device: 'ctl-east', category: 'alarm' })), /\/category must be equal to constant/],
    ['controller.events.lost without its range', `${BASE}/events/door`, json(door('controller.events.lost', { controller: 1, count: 3 })), /must have required property 'from'/],
    ['ts without offset', ev, json({ ...alarm, ts: '2026-11-23T21:40:00.123' }), /\/ts must match pattern/],
    ['ts with microseconds', ev, json({ ...alarm, ts: '2026-11-23T21:40:00.123456+08:00' }), /\/ts must match pattern/],
    ['ts in month 13', ev, json({ ...alarm, ts: '2026-13-23T21:40:00+08:00' }), /\/ts must match format "date-time"/],
    ['ts as epoch millis', ev, json({ ...alarm, ts: 1795000000000 }), /\/ts must be string/],
    ['extra property', ev, json({ ...alarm, township: TOWNSHIP }), /additional properties: "township"/],
    ['missing data', ev, json(without(alarm, 'data')), /data/],
    ['data is an array', ev, json({ ...alarm, data: [] }), /\/data must be object/],
    ['id in uppercase', ev, json({ ...alarm, id: EVENT_ID.toUpperCase() }), /\/id must match/],
    ['id not a UUID', ev, json({ ...alarm, id: 'evt-104233' }), /\/id must match/],
    ['seq 0', ev, json({ ...alarm, seq: 0 }), /\/seq must be >= 1/],
    ['seq as string', ev, json({ ...alarm, seq: '104233' }), /\/seq must be integer/],
    ['unknown clock', ev, json({ ...alarm, clock: 'ntp' }), /\/clock must be equal to one of/],
    ['bad gateway id', `pingan/v1/${TOWNSHIP}/GW_1/events/alarm`, json({ ...alarm, gateway: 'GW_1' }), /gateway "GW_1"[\s\S]*\/gateway must match/],
    ['gateway id "all"', `pingan/v1/${TOWNSHIP}/all/events/alarm`, json({ ...alarm, gateway: 'all' }), /reserved "all"/],
    ['bad device id', ev, json({ ...alarm, device: 'Panic East' }), /\/device must match/],
    ['unknown category', `${BASE}/events/fire`, json({ ...alarm, category: 'fire' }), /unknown category "fire"[\s\S]*\/category must be equal to one of/],
    ['type in uppercase', ev, json({ ...alarm, type: 'Alarm.Triggered' }), /\/type must match/],
    ['type with empty segment', ev, json({ ...alarm, type: 'alarm..triggered' }), /\/type must match/],
    ['type longer than 64', ev, json({ ...alarm, type: 'a'.repeat(65) }), /\/type must NOT have more than 64/],
    ['category/topic mismatch', `${BASE}/events/door`, json(alarm), /payload category "alarm" != topic category "door"/],
    ['gateway/topic mismatch', `pingan/v1/${TOWNSHIP}/other-gw/events/alarm`, json(alarm), /payload gateway ".*" != topic gateway "other-gw"/],
    ['snapshot with a bad sha256', `${BASE}/events/camera`, json({ ...alarm, category: 'camera', data: { snapshot: { ...snapshotRef, sha256: 'xyz' } } }), /\/data\/snapshot\/sha256/],
    ['snapshot of another event', `${BASE}/events/camera`, json({ ...alarm, category: 'camera', data: { snapshot: { ...snapshotRef, topic: `${BASE}/snapshots/${CMD_ID}` } } }), /data.snapshot.topic/],
    ['both a snapshot and a snapshotError', `${BASE}/events/camera`, json({ ...alarm, category: 'camera', data: { snapshot: snapshotRef, snapshotError } }), /\/data must NOT be valid/],
    ['snapshotError without a message', `${BASE}/events/camera`, json({ ...alarm, category: 'camera', data: { snapshotError: { reason: 'disk-full' } } }), /\/data\/snapshotError must have required property 'message'/],
    ['snapshotError reason in capitals', `${BASE}/events/camera`, json({ ...alarm, category: 'camera', data: { snapshotError: { ...snapshotError, reason: 'DiskFull' } } }), /\/data\/snapshotError\/reason must match/],
    // system and device event data
    ['snapshot.dropped, unknown reason', sysT, json(sys('system.snapshot.dropped', { ...dropped, reason: 'lost' })), /\/data\/reason must be equal to one of/],
    ['snapshot.dropped, no eventId', sysT, json(sys('system.snapshot.dropped', without(dropped, 'eventId'))), /eventId/],
    ['payload.rejected, unknown reason', sysT, json(sys('system.payload.rejected', { device: 'd', reason: 'too-big', count: 1 })), /\/data\/reason must be equal to one of/],
    ['payload.rejected, count 0', sysT, json(sys('system.payload.rejected', { device: 'd', reason: 'not-json', count: 0 })), /\/data\/count must be >= 1/],
    ['payload.rejected, missing device', sysT, json(sys('system.payload.rejected', { reason: 'not-json', count: 1 })), /\/data must have required property 'device'/],
    ['system type in the alarm category', ev, json(sys('system.started', { version: '1', bootId: 'b' }, { category: 'alarm' })), /\/category must be equal to constant/],
    ['outbox.evicted, range from > to', sysT, json(sys('system.outbox.evicted', { ...evicted, ranges: [[13, 10], [20, 20]] })), /\[13,10\] has from > to/],
    ['outbox.evicted, range of 3', sysT, json(sys('system.outbox.evicted', { ...evicted, ranges: [[10, 13, 14]] })), /\/data\/ranges\/0 must NOT have more than 2 items/],
    ['outbox.evicted, bySeverity != count', sysT, json(sys('system.outbox.evicted', { ...evicted, bySeverity: { info: 1 } })), /bySeverity sums to 1, data.count is 5/],
    ['outbox.evicted, unknown severity', sysT, json(sys('system.outbox.evicted', { ...evicted, bySeverity: { info: 5, high: 0 } })), /additional properties: "high"/],
    ['outbox.evicted, missing maxBytes', sysT, json(sys('system.outbox.evicted', without(evicted, 'maxBytes'))), /maxBytes/],
    ['command.rejected, unknown code', sysT, json(sys('system.command.rejected', { code: 'nope', count: 1 })), /\/data\/code must be equal to one of/],
    ['acl.denied, bad action', sysT, json(sys('system.acl.denied', { device: 'd', topic: 't', action: 'read', count: 1 })), /\/data\/action must be equal to one of/],
    ['auth.failed, bad reason', sysT, json(sys('system.auth.failed', { username: 'x', reason: 'locked', count: 1 })), /\/data\/reason must be equal to one of/],
    ['started without bootId', sysT, json(sys('system.started', { version: '0.1.0' })), /bootId/],
    ['device.online, unknown reason', `${BASE}/events/device`, json(dev('device.online', { reason: 'boot' })), /\/data\/reason must be equal to one of/],
    ['device.offline in the alarm category', ev, json(dev('device.offline', { reason: 'will' }, { category: 'alarm' })), /\/category must be equal to constant/],
    // device state
    ['device state, online as a string', `${BASE}/devices/d1/state`, json({ ...deviceState, online: 'yes' }), /\/online must be boolean/],
    ['device state, no state', `${BASE}/devices/d1/state`, json(without(deviceState, 'state')), /state/],
    ['device state, extra property', `${BASE}/devices/d1/state`, json({ ...deviceState, device: 'd1' }), /additional properties: "device"/],
    ['device state, bad device id in topic', `${BASE}/devices/Door_1/state`, json(deviceState), /device "Door_1"/],
    // metrics
    ['metrics without cpuTempC', `${BASE}/metrics`, json(without(metrics, 'cpuTempC')), /cpuTempC/],
    ['metrics, a figure that is not a number', `${BASE}/metrics`, json({ ...metrics, devices: { online: 1, total: 1, figures: { 'cam-gate': { reachable: 'yes' } } } }), /figures\/cam-gate\/reachable must be number,null/],
    ['metrics, extra uplink property', `${BASE}/metrics`, json({ ...metrics, uplink: { ...(metrics.uplink as Obj), host: 'x' } }), /additional properties: "host"/],
    ['metrics, unknown uplink state', `${BASE}/metrics`, json({ ...metrics, uplink: { ...(metrics.uplink as Obj), state: 'up' } }), /\/uplink\/state must be equal to one of/],
    ['metrics, connected since null', `${BASE}/metrics`, json({ ...metrics, uplink: { ...(metrics.uplink as Obj), connectedSince: null } }), /\/uplink\/connectedSince must be string/],
    ['metrics, disconnected with connectedSince', `${BASE}/metrics`, json({ ...metricsOffline, uplink: { state: 'disconnected', reconnects: 0, connectedSince: TS } }), /\/uplink\/connectedSince must be null/],
    ['metrics, empty backlog with an age', `${BASE}/metrics`, json({ ...metricsOffline, backlog: { depth: 0, bytes: 0, oldestAgeSec: 5, estDrainSec: null } }), /\/backlog\/oldestAgeSec must be null/],
    ['metrics, backlog without an age', `${BASE}/metrics`, json({ ...metrics, backlog: { depth: 3, bytes: 10, oldestAgeSec: null, estDrainSec: null } }), /\/backlog\/oldestAgeSec must be number/],
    ['metrics, negative counter', `${BASE}/metrics`, json({ ...metrics, events: { ...(metrics.events as Obj), delivered: -1 } }), /\/events\/delivered must be >= 0/],
    ['metrics, more online than total', `${BASE}/metrics`, json({ ...metrics, devices: { online: 9, total: 8 } }), /devices.online 9 > devices.total 8/],
    ['metrics, fractional disk bytes', `${BASE}/metrics`, json({ ...metrics, diskFreeBytes: 1.5 }), /\/diskFreeBytes must be integer/],
    ['metrics, pictures without sent', `${BASE}/metrics`, json({ ...metrics, snapshots: { waiting: 0, bytes: 0, dropped: 0 } }), /\/snapshots must have required property 'sent'/],
    // replies
    ['reply rejected without error', rep, json({ id: CMD_ID, status: 'rejected', ts: TS }), /must have required property 'error'/],
    ['reply failed without error', rep, json({ id: CMD_ID, status: 'failed', ts: TS }), /must have required property 'error'/],
    ['reply done with an error', rep, json({ id: CMD_ID, status: 'done', ts: TS, error: { code: 'x', message: 'y' } }), /must NOT be valid/],
    ['reply rejected with a free code', rep, json({ id: CMD_ID, status: 'rejected', ts: TS, error: { code: 'relay-timeout', message: 'y' } }), /\/error\/code must be equal to one of/],
    ['reply error without message', rep, json({ id: CMD_ID, status: 'failed', ts: TS, error: { code: 'x' } }), /message/],
    ['reply unknown status', rep, json({ id: CMD_ID, status: 'ok', ts: TS }), /\/status must be equal to one of/],
    ['reply id/topic mismatch', rep, json({ id: EVENT_ID, status: 'done', ts: TS }), /payload id ".*" != topic id/],
    ['reply topic id not a UUID', `${BASE}/replies/42`, json({ id: CMD_ID, status: 'done', ts: TS }), /"42" in topic is not a lowercase UUID/],
    // snapshots, topics, encoding
    ['empty snapshot', `${BASE}/snapshots/${EVENT_ID}`, Buffer.alloc(0), /snapshot payload is empty/],
    ['snapshot topic id not a UUID', `${BASE}/snapshots/latest`, Buffer.from([1]), /not a lowercase UUID/],
    ['wrong topic version', `pingan/v2/${TOWNSHIP}/${GW}/status`, json(birth), /pingan\/v1/],
    ['unknown uplink topic', `${BASE}/heartbeat`, json(birth), /not an uplink topic/],
    ['extra topic level', `${BASE}/events/alarm/x`, json(alarm), /not an uplink topic/],
    ['wildcard township', `pingan/v1/+/${GW}/status`, json(birth), /township "\+"/],
    ['not JSON', `${BASE}/status`, 'online', /not UTF-8 JSON/],
    ['not UTF-8', `${BASE}/status`, Buffer.from([0x7b, 0xff, 0x7d]), /not UTF-8 JSON/],
    ['JSON but not an object', `${BASE}/metrics`, '[]', /must be object/],
  ];
  it.each(invalid)('%s', (_name, topic, payload, reason) => {
    const result = validateUplink(topic, payload);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.errors).toMatch(reason);
    expect(() => assertUplinkValid(topic, payload)).toThrow(reason);
  });

  it('assertUplinkValid names the topic and the payload', () => {
    expect(() => assertUplinkValid(`${BASE}/events/alarm`, json({ ...alarm, severity: 'high' })))
      .toThrow(/uplink event on pingan\/v1\/370283104\/370283104-xiejiayu-01\/events\/alarm breaks the contract[\s\S]*severity[\s\S]*payload: \{/);
  });
});

describe('commands', () => {
  it('accepts a command with its parameters, and each command name', () => {
    expect(validateCommand(command)).toEqual({ ok: true });
    for (const name of ['broadcast', 'broadcast.cancel', 'door.unlock', 'zone.arm', 'zone.disarm', 'access.sync', 'ping']) {
      expect(validateCommand({ ...command, name, target: 'all' })).toEqual({ ok: true });
    }
    expect(validateSignedCommand(signed)).toEqual({ ok: true });
  });

  const bad: [string, unknown, RegExp][] = [
    ['missing by', without(command, 'by'), /by/],
    ['unknown name', { ...command, name: 'door.open' }, /\/name must be equal to one of/],
    ['target in uppercase', { ...command, target: 'ALL' }, /\/target must match/],
    ['expiresAt without offset', { ...command, expiresAt: '2026-11-23T21:45:00' }, /\/expiresAt must match/],
    ['id not a UUID', { ...command, id: 'cmd-1' }, /\/id must match/],
    ['not an object', 'ping', /must be object/],
  ];
  it.each(bad)('rejects a command: %s', (_name, obj, reason) => {
    const result = validateCommand(obj);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.errors).toMatch(reason);
  });

  const badSigned: [string, unknown, RegExp][] = [
    ['missing sig', without(signed, 'sig'), /sig/],
    ['extra property', { ...signed, alg: 'ed25519' }, /additional properties: "alg"/],
    ['sig not base64', { ...signed, sig: 'not base64!' }, /\/sig must match/],
    ['sig as base64url', { ...signed, sig: '-_' + 'A'.repeat(84) + '==' }, /\/sig must match/],
    ['empty kid', { ...signed, kid: '' }, /\/kid must NOT have fewer than 1/],
    ['kid longer than 64', { ...signed, kid: 'k'.repeat(65) }, /\/kid must NOT have more than 64/],
    ['cmd not JSON', { ...signed, cmd: 'door.unlock' }, /cmd: payload is not UTF-8 JSON/],
    ['cmd invalid inside', { ...signed, cmd: json({ ...command, township: undefined }) }, /township/],
  ];
  it.each(badSigned)('rejects a signed command: %s', (_name, obj, reason) => {
    const result = validateSignedCommand(obj);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.errors).toMatch(reason);
  });
});

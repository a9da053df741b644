/**
 * Issue 8 A: a full disk, on a real 20 MB filesystem (tmpfs). Info rows must not fill the disk (the
 * outbox evicts by free space, reported); on a disk filled by something else the gateway keeps taking
 * critical events, refuses the rest (no PUBACK, counted and reported in aggregate), deletes acknowledged
 * rows so the backlog drains, restarts on the full disk, and resumes once space returns.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateUplink } from '../support/contract.js';
import { deviceClient } from '../support/devices.js';
import { startFixture, type Fixture, outboxView } from '../support/gateway-fixture.js';
import { Mosquitto } from '../support/mosquitto.js';
import { TownshipProbe, type ReceivedEvent } from '../support/township.js';
import { fillDisk, smallFilesystem, unmount } from '../support/small-fs.js';
import { requireTools } from '../support/tools.js';

const MiB = 1024 * 1024;
const OUTBOX = { minFreeBytes: 3 * MiB, reserveBytes: 2 * MiB };
const PANIC = { id: 'panic-east-gate', password: 'panic-secret-1', category: 'alarm' };
const DOOR = { id: 'door-west', password: 'door-secret-22', category: 'door' };

const MOUNT = mkdtempSync(join(tmpdir(), 'vgw-small-fs-'));
const mounted = requireTools('mosquitto') && smallFilesystem(MOUNT);
const freeBytes = (dir: string) => {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
};

/** 'acked' on PUBACK; 'refused' when the gateway closed the link or did not answer in time. */
async function publishOnce(port: number, device: typeof PANIC, body: Record<string, unknown>, limitMs = 2000): Promise<'acked' | 'refused'> {
  const client: MqttClient = await deviceClient(port, device.id, device.password);
  try {
    return await Promise.race([
      client.publishAsync(`dev/${device.id}/event`, JSON.stringify(body), { qos: 1 }).then(() => 'acked' as const, () => 'refused' as const),
      // A refused publish closes the link (aedes: an authorizePublish error) with no PUBACK.
      new Promise<'refused'>((r) => client.once('close', () => r('refused'))),
      new Promise<'refused'>((r) => setTimeout(() => r('refused'), limitMs)),
    ]);
  } finally {
    await client.endAsync(true);
  }
}

/** Seqs the township was told were evicted. */
function evictedSeqs(events: ReceivedEvent[]): Set<number> {
  const out = new Set<number>();
  for (const e of events) if (e.type === 'system.outbox.evicted') for (const [a, b] of e.data.ranges as [number, number][]) for (let s = a; s <= b; s++) out.add(s);
  return out;
}

/** Seqs from `from` to the highest delivered that were neither delivered nor reported evicted. */
function unexplainedSeqs(events: ReceivedEvent[], from: number): number[] {
  const delivered = new Set(events.map((e) => e.seq));
  const evicted = evictedSeqs(events);
  const top = Math.max(...delivered);
  const out: number[] = [];
  for (let s = from; s <= top; s++) if (!delivered.has(s) && !evicted.has(s)) out.push(s);
  return out;
}

describe.runIf(mounted)('a full disk (20 MB tmpfs)', () => {
  const broker = new Mosquitto({ persistence: true });
  let probe: TownshipProbe;
  let fx: Fixture | null = null;

  beforeAll(async () => {
    // Mosquitto started as root runs as `mosquitto`: without this it cannot save the probe's session on
    // SIGTERM, and the probe would miss what the gateway drains before it has subscribed again.
    chmodSync(broker.dir, 0o777);
    await broker.start();
    probe = await TownshipProbe.connect(broker.url, 'probe-disk-full');
  });
  afterAll(async () => {
    await fx?.gateway.stop();
    await probe?.close();
    await broker.stop();
    // Lazily if something still holds a file there (a gateway whose start failed keeps its database open).
    unmount(MOUNT);
    rmSync(MOUNT, { recursive: true, force: true });
  });

  const start = (dataDir: string) => startFixture({ uplinkUrl: broker.url, devices: [PANIC, DOOR], dataDir, override: { outbox: OUTBOX } });

  it('info rows do not fill the disk: the outbox evicts by free space, a panic is still taken, nothing acknowledged goes unexplained', async () => {
    const dataDir = join(MOUNT, 'evict');
    mkdirSync(dataDir);
    fx = await start(dataDir);
    await probe.waitFor(() => fx!.gateway.inspect().uplinkState === 'connected', 15_000, 'uplink connected');
    await broker.stop();
    const pipeline = { emit: fx.gateway.testApi.emit };
    const outbox = outboxView(fx.gateway);
    const accepted: number[] = [];
    const pad = 'x'.repeat(2000);
    for (let n = 0; outbox.evicted === 0 || n < 9000; ) {
      if (n >= 15_000) throw new Error(`15,000 info events of 2 kB on a 20 MB disk and no eviction (free ${freeBytes(MOUNT)} bytes)`);
      const batch = await Promise.all(Array.from({ length: 200 }, () => pipeline.emit({ device: DOOR.id, category: 'door', type: 'door.opened', data: { n: n++, pad } })));
      accepted.push(...batch.map((e) => e.seq));
    }
    expect(outbox.refused.diskFull).toBe(0);
    expect(outbox.diskFull).toBe(false);
    expect(await publishOnce(fx.gateway.localPort, PANIC, { type: 'panic.pressed', zone: 'east' })).toBe('acked');

    await broker.start();
    await probe.waitFor(() => outbox.depth === 0, 60_000, 'the backlog drained (outbox empty)');
    await probe.waitFor(() => probe.events.some((e) => e.type === 'panic.pressed' && e.data.zone === 'east'), 10_000, 'the panic at the township');
    const unexplained = () => {
      const delivered = new Set(probe.events.map((e) => e.seq));
      const evicted = evictedSeqs(probe.events);
      return accepted.filter((s) => !delivered.has(s) && !evicted.has(s));
    };
    // PUBACKed by the broker is not yet received by the probe: wait for the deliveries to land.
    await probe.waitFor(() => unexplained().length === 0, 20_000, 'every accepted event delivered or reported evicted').catch(() => undefined);
    const evicted = evictedSeqs(probe.events);
    const lost = unexplained();
    expect(evicted.size).toBeGreaterThan(0);
    expect(lost, 'acknowledged events neither delivered nor reported evicted').toEqual([]);
    expect(unexplainedSeqs(probe.events, accepted[0]!), 'seqs neither delivered nor reported evicted').toEqual([]);
    expect(probe.events.filter((e) => e.severity === 'critical' && evicted.has(e.seq))).toEqual([]);
    await fx.gateway.stop();
    fx = null;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a disk filled by something else: criticals are taken, the rest refused and counted, the backlog drains, a restart works, space coming back resumes intake', async () => {
    if (fx) await fx.gateway.stop(); // the first test failed half-way: its gateway and files go first
    fx = null;
    rmSync(join(MOUNT, 'evict'), { recursive: true, force: true });
    const dataDir = join(MOUNT, 'full');
    mkdirSync(dataDir);
    fx = await start(dataDir);
    await probe.waitFor(() => fx!.gateway.inspect().uplinkState === 'connected' && fx!.gateway.inspect().backlog === 0, 15_000, 'uplink connected and caught up');
    await broker.stop();
    const acked: string[] = [];
    let firstSeq = 0;
    for (let n = 0; n < 50; n++) {
      const e = await fx.gateway.testApi.emit({ device: DOOR.id, category: 'door', type: 'door.opened', data: { key: `before-${n}` } });
      firstSeq ||= e.seq;
      acked.push(`before-${n}`);
    }
    const filler = fillDisk(MOUNT);
    expect(freeBytes(MOUNT)).toBeLessThan(64 * 1024);

    // Info: refused (no PUBACK) once the disk is full; a few may still fit in SQLite's slack.
    let refusedInfo = 0;
    for (let n = 0; n < 40 && refusedInfo < 5; n++) {
      if ((await publishOnce(fx.gateway.localPort, DOOR, { type: 'door.opened', key: `full-${n}` }, 1500)) === 'acked') acked.push(`full-${n}`);
      else refusedInfo++;
    }
    expect(refusedInfo, 'info events refused on the full disk').toBe(5);
    expect(fx.gateway.inspect().diskFull).toBe(true);
    for (let n = 0; n < 5; n++) {
      expect(await publishOnce(fx.gateway.localPort, PANIC, { type: 'panic.pressed', key: `panic-${n}` }), `panic ${n} on the full disk`).toBe('acked');
      acked.push(`panic-${n}`);
    }
    const refusedBefore = fx.gateway.inspect().refused.diskFull;
    expect(refusedBefore).toBeGreaterThanOrEqual(refusedInfo);
    // Counted in the metrics too, which stay valid against the contract.
    const metrics = fx.gateway.metrics();
    expect(metrics.events.refused).toBe(refusedBefore);
    expect(validateUplink(fx.gateway.topics.metrics, JSON.stringify(metrics))).toMatchObject({ ok: true });

    // Restart on the full disk: it starts (degraded), still takes a panic, still refuses info.
    await fx.gateway.stop();
    // A clean stop checkpoints and removes the WAL, which frees space: take that too.
    const filler2 = fillDisk(MOUNT, 'filler-2');
    fx = await start(dataDir);
    expect(fx.gateway.inspect().diskFull).toBe(true);
    expect(await publishOnce(fx.gateway.localPort, PANIC, { type: 'panic.pressed', key: 'panic-after-restart' })).toBe('acked');
    acked.push('panic-after-restart');
    expect(await publishOnce(fx.gateway.localPort, DOOR, { type: 'door.opened', key: 'refused-after-restart' }, 1500)).toBe('refused');

    // The uplink comes back: everything acknowledged drains and is deleted on the still-full disk.
    await broker.start();
    const outbox = outboxView(fx.gateway);
    // Counted in SQLite itself, not the outbox's own tally: the deletes really committed on the full disk.
    const rowsLeft = () => fx!.gateway.db.prepare('SELECT COUNT(*) FROM outbox').pluck().get() as number;
    await probe.waitFor(() => outbox.depth === 0 && rowsLeft() === 0, 30_000, 'the backlog drained and deleted on the full disk');
    // Every acknowledged event reached the township or was reported evicted (the disk was low, so info
    // rows made room): the seq range from the first to the last event has no unexplained hole.
    const keys = () => new Set(probe.events.map((e) => e.data.key as string | undefined));
    await probe.waitFor(() => acked.filter((k) => k.startsWith('panic')).every((k) => keys().has(k)), 15_000, 'every acknowledged panic at the township');
    expect(unexplainedSeqs(probe.events, firstSeq), 'seqs neither delivered nor reported evicted').toEqual([]);
    const evicted = evictedSeqs(probe.events);
    const missingInfo = acked.filter((k) => !keys().has(k));
    expect(missingInfo.length, `acknowledged info events missing (${missingInfo.join(', ')}) vs reported evicted`).toBeLessThanOrEqual(evicted.size);
    expect(missingInfo.every((k) => !k.startsWith('panic'))).toBe(true);
    expect(freeBytes(MOUNT), 'free bytes while draining (the filler is still there)').toBeLessThan(OUTBOX.minFreeBytes);

    // Space comes back: intake resumes and the reserve is written again.
    rmSync(filler);
    rmSync(filler2);
    await probe.waitFor(() => !outbox.diskFull, 10_000, 'intake resumed after space came back');
    expect(await publishOnce(fx.gateway.localPort, DOOR, { type: 'door.opened', key: 'after-space' })).toBe('acked');
    await fx.gateway.stop();
    fx = null;
    // Every refusal is counted in the aggregated reports (written at stop at the latest).
    const refusals = probe.events.filter((e) => e.type === 'system.outbox.refused');
    expect(refusals.length).toBeGreaterThan(0);
    const reported = refusals.reduce((n, e) => n + (e.data.count as number), 0);
    expect(reported).toBeGreaterThanOrEqual(refusedBefore + 1);
    expect(probe.invalid).toEqual([]);
  });
});

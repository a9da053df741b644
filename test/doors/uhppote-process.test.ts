/**
 * The controller driver in the daemon as installers run it (`vgw run --config` with a YAML file), against
 * the simulated controller and a real Mosquitto: swipes pushed while the gateway is killed with -9 and
 * restarted are all delivered to the township (back-filled by index from the cursor in the database),
 * counting what was lost and recorded twice (both must be 0); the gateway child's memory from /proc.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { UhppoteSimulator } from '../../device-drivers/uhppote/simulator.js';
import { AccessSecret } from '../../gateway/access/secret.js';
import { SECRET_FILE } from '../../gateway/access/wire.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { Mosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { TownshipProbe } from '../support/township.js';
import { requireTools } from '../support/tools.js';
import { waitUntil } from './support/wait.js';

const SWIPES = 600;
const kib = (pid: number, field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

describe.runIf(requireTools('mosquitto'))('UHPPOTE controller in `vgw run`', () => {
  const broker = new Mosquitto({ persistence: true });
  const sim = new UhppoteSimulator({ serial: 423187757, capacity: 2048 });
  let gw: GatewayProcess;
  let probe: TownshipProbe;

  beforeAll(async () => {
    await broker.start();
    await sim.start();
    probe = await TownshipProbe.connect(broker.url, 'probe-uhppote-proc');
    gw = await GatewayProcess.prepare({ uplinkUrl: broker.url, devices: [] });
    const config = parse(readFileSync(gw.configFile, 'utf8')) as { devices: unknown[] };
    config.devices = [
      { id: 'ctl-east', driver: 'uhppote', serial: 423187757, address: '127.0.0.1', port: sim.port, listener: { address: '127.0.0.1', port: await freePort(), bind: '127.0.0.1' }, timeZone: 'Asia/Shanghai', doors: [{ number: 1, device: 'gate-east' }] },
      { id: 'gate-east', driver: 'uhppote-door', controller: 'ctl-east' },
    ];
    writeFileSync(gw.configFile, stringify(config));
  });
  afterAll(async () => {
    await gw?.stop();
    await probe?.close();
    await sim.stop();
    await broker.stop();
  });

  it(`delivers all ${SWIPES} swipes across a kill -9 and restart, none lost`, async () => {
    await gw.start();
    await waitUntil('the controller adopted', () => sim.listener !== null, 10_000);
    const killAt = 150 + Math.floor(Math.random() * 300);
    for (let i = 0; i < SWIPES; i++) {
      sim.swipe(5_000_000 + i, 1);
      if (i === killAt) await gw.kill9();
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await gw.start();
    // Each swipe is its own card, known at the township only by its keyed hash: the test holds the box's secret to tell them apart.
    const secret = AccessSecret.load(join(gw.dataDir, SECRET_FILE));
    const nth = new Map(Array.from({ length: SWIPES }, (_, i) => [secret.hash('card', String(5_000_000 + i)), i]));
    const recorded = () => probe.events.filter((e) => e.type === 'access.denied' && e.device === 'ctl-east');
    const swipeOf = (e: { data: Record<string, unknown> }) => nth.get((e.data.credential as { hash: string }).hash) ?? -1;
    const indices = () => new Set(recorded().map(swipeOf));
    await waitUntil(`all ${SWIPES} swipes at the township (got ${indices().size})`, () => indices().size === SWIPES, 60_000);
    const swipes = recorded();
    const lost = SWIPES - indices().size;
    // Redelivery of one event (same id) is the uplink's at-least-once and harmless; a second event for one index would not be.
    const ids = new Set(swipes.map((e) => e.id));
    const redelivered = swipes.length - ids.size;
    const duplicated = ids.size - indices().size;
    const pid = gw.pid;
    console.log(`uhppote in vgw run: ${SWIPES} swipes, kill -9 at #${killAt}: lost ${lost}, recorded twice ${duplicated}, redelivered (same id) ${redelivered}; gateway VmHWM ${Math.round(kib(pid, 'VmHWM') / 1024)} MiB, VmRSS ${Math.round(kib(pid, 'VmRSS') / 1024)} MiB`);
    expect(lost).toBe(0);
    // The event being handled at the kill (its commit done, the cursor not yet) is read again, but its
    // ref (the controller's event index) is already on record with it: recorded once.
    expect(duplicated).toBe(0);
    // Each swipe in order of seq: the back-fill runs oldest first.
    const bySeq = [...swipes].sort((a, b) => a.seq - b.seq).map(swipeOf);
    expect(bySeq.filter((x, i) => i > 0 && x < bySeq[i - 1]!)).toEqual([]);
    expect(probe.invalid).toEqual([]);
    expect(JSON.stringify(probe.events)).not.toContain('5000123');
  }, 120_000);
});

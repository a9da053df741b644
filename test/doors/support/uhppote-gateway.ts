/** A gateway in-process with one UHPPOTE controller (two doors) against the simulated controller over real UDP on loopback. */
import { mkdtempSync } from 'node:fs';
import { afterEach, expect } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { AccessControl } from '../../../device-drivers/access.js';
import { defaultModules } from '../../../device-drivers/registry.js';
import { UhppoteSimulator, type SimulatorQuirks } from '../../../device-drivers/uhppote/simulator.js';
import { parseConfig } from '../../../gateway/config/load.js';
import { createGateway, type Gateway } from '../../../gateway/create-gateway.js';
import { doorDataProblems, validateUplink } from '../../support/contract.js';
import { buildConfig, LogSink } from '../../support/gateway-fixture.js';
import { freePort } from '../../support/ports.js';
import { actorModule } from './door-actor.js';
import { waitUntil } from './wait.js';

/** The serial of the byte-exact vector's controller (research part A.4). */
export const SERIAL = 423187757;

export interface Envelope {
  seq: number;
  device: string;
  type: string;
  category: string;
  severity: string;
  data: Record<string, unknown>;
}

export interface UhppoteRig {
  gateway: Gateway;
  logs: LogSink;
  dataDir: string;
  listenPort: number;
  /** Events in the outbox (nobody drains it: the uplink points nowhere), in seq order. */
  events(): Envelope[];
  /** The outbox's messages the contract refuses (docs/asyncapi.yaml and its schemas; the door devices' data by its door $defs), each with why. */
  invalid(): string[];
  stop(): Promise<void>;
}

export interface RigOptions {
  sim: UhppoteSimulator;
  access?: AccessControl;
  timeZone?: string;
  transport?: 'udp' | 'tcp';
  dataDir?: string;
  listenPort?: number;
  /** Whether the gateway's clock is synced (default true). */
  synced?: boolean;
  /** Fields merged into the controller's config. */
  controller?: Record<string, unknown>;
}

/** Starts a simulator with `quirks` (not yet a gateway). */
export async function startSim(quirks: Partial<SimulatorQuirks> = {}, tcp = false): Promise<UhppoteSimulator> {
  const sim = new UhppoteSimulator({ serial: SERIAL, quirks, ...(tcp ? { tcpPort: 0 } : {}) });
  await sim.start();
  return sim;
}

export async function startRig(o: RigOptions): Promise<UhppoteRig> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'vgw-uhppote-'));
  const listenPort = o.listenPort ?? (await freePort());
  const base = await buildConfig({ uplinkUrl: 'mqtt://127.0.0.1:9', dataDir, gatewayId: '370283104-doors-01', devices: [] });
  const config = parseConfig(
    {
      ...base,
      devices: [
        {
          id: 'ctl-east',
          driver: 'uhppote',
          serial: SERIAL,
          address: '127.0.0.1',
          port: o.transport === 'tcp' ? o.sim.tcpPort : o.sim.port,
          transport: o.transport ?? 'udp',
          listener: { address: '127.0.0.1', port: listenPort, bind: '127.0.0.1' },
          timeZone: o.timeZone ?? 'Asia/Shanghai',
          // Door delays long enough that an opening on a loaded machine still falls in its window.
          doors: [{ number: 1, device: 'gate-east', unlockSec: 3 }, { number: 2, device: 'gate-side', unlockSec: 3 }],
          timeoutMs: 300,
          ...o.controller,
        },
        { id: 'gate-east', driver: 'uhppote-door', controller: 'ctl-east', heldOpenSec: 60 },
        { id: 'gate-side', driver: 'uhppote-door', controller: 'ctl-east' },
        { id: 'actor', driver: 'test-door-actor' },
      ],
    },
    'test config',
    [...defaultModules, actorModule],
  );
  const logs = new LogSink();
  /** Events of the door devices (driver uhppote-door), whose data the contract fixes. */
  const doors = () => events().filter((e) => e.category === 'door' && (e.device === 'gate-east' || e.device === 'gate-side'));
  const events = () =>
    (gateway.db.prepare("SELECT payload FROM outbox WHERE kind = 'event'").all() as { payload: Buffer }[])
      .map((r) => JSON.parse(r.payload.toString()) as Envelope)
      .sort((a, b) => a.seq - b.seq);
  const gateway = createGateway({ config, log: pino({ level: 'debug' }, logs), drivers: [...defaultModules, actorModule], clock: { now: () => Date.now(), synced: () => o.synced ?? true }, hardware: o.access ? { access: o.access } : {} });
  await gateway.start();
  return {
    gateway,
    logs,
    dataDir,
    listenPort,
    events,
    invalid: () =>
      (gateway.db.prepare('SELECT topic, payload FROM outbox').all() as { topic: string; payload: Buffer }[])
        .map((r) => ({ topic: r.topic, result: validateUplink(r.topic, r.payload) }))
        .flatMap(({ topic, result }) => (result.ok ? [] : [`${topic}: ${result.errors}`]))
        .concat(doors().flatMap((e) => doorDataProblems(e.type, e.data))),
    stop: () => gateway.stop(),
  };
}

/** Card numbers the tests present. */
export const RESIDENT = 10_058_400;
export const STRANGER = 7_777_777;

/** The door event types of a list. */
export const doorEvents = (types: string[]) => types.filter((t) => t.startsWith('door.'));

/**
 * A `rig(options)` for a test file: a simulator (unless one is given) and a gateway, both stopped after
 * each test; the rig adds `types(device?)` and `until(what, ok, ms)`, whose failure lists the events so far.
 */
export function useRigs() {
  let rigs: UhppoteRig[] = [];
  let sims: UhppoteSimulator[] = [];
  afterEach(async () => {
    // What the township would receive, checked against the contract: every event and state of the test.
    const invalid = rigs.flatMap((r) => r.invalid());
    for (const r of rigs) await r.stop();
    for (const s of sims) await s.stop();
    rigs = [];
    sims = [];
    expect(invalid).toEqual([]);
  });
  return {
    async rig(o: Partial<RigOptions> & { quirks?: Partial<SimulatorQuirks>; tcp?: boolean } = {}) {
      const sim = o.sim ?? (await startSim(o.quirks, o.tcp));
      if (!o.sim) sims.push(sim);
      const r = await startRig({ ...o, sim });
      rigs.push(r);
      const types = (device?: string) => r.events().filter((e) => !device || e.device === device).map((e) => e.type);
      const until = (what: string, ok: () => boolean, ms = 5000) => waitUntil(`${what}; events so far: ${types().join(', ')}`, ok, ms);
      return { ...r, sim, types, until };
    },
    /** Keeps `sim` to stop after the test. */
    hold(sim: UhppoteSimulator) {
      sims.push(sim);
    },
    /** Forgets the gateways already stopped by the test itself. */
    forgetStopped() {
      rigs = [];
    },
  };
}

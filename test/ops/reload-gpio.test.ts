/**
 * Issue 13 item 4 with GPIO devices (simulated pins): a reload adds a relay and two reactions and
 * changes the panic button's debounce; the changed input is restarted on its pin (released and taken
 * again), and the next press drives both outputs; a reload that drops the reactions leaves the outputs
 * alone at the press after it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedGpio } from '../../device-drivers/gpio/simulated-backend.js';
import { buildConfig } from '../support/gateway-fixture.js';
import { startGpioGateway, type GpioGateway } from '../gpio/support/gpio-gateway.js';

const UNREACHABLE = 'mqtt://127.0.0.1:1'; // local reactions need no uplink
const PANIC = { id: 'panic-east-gate', driver: 'alarm-input', zone: 'east-gate', pin: 17, kind: 'panic', debounceMs: 10 };
const SIREN = { id: 'siren-market', driver: 'relay', pin: 27, maxOnSec: 5 };
const STROBE = { id: 'strobe-east', driver: 'relay', pin: 23, maxOnSec: 5 };
const REACTIONS = [
  { name: 'panic-siren', when: { input: 'panic' }, do: { device: 'siren-market', action: 'pulse', seconds: 0.3 } },
  { name: 'panic-strobe', when: { input: 'panic' }, do: { device: 'strobe-east', action: 'pulse', seconds: 0.3 } },
];

describe('reload of GPIO devices and reactions', () => {
  const sim = new SimulatedGpio();
  let gw: GpioGateway;
  const file = () => join(gw.dataDir, 'vgw.yaml');
  const writeConfig = async (devices: unknown[], reactions: unknown[]) => {
    const base = await buildConfig({ uplinkUrl: UNREACHABLE, dataDir: gw.dataDir, gatewayId: gw.gatewayId, devices: [] });
    writeFileSync(file(), stringify({ ...base, devices, zones: [{ name: 'east-gate' }], reactions }));
  };
  const press = async () => {
    sim.pin(17).set(0);
    await new Promise((r) => setTimeout(r, 100));
    sim.pin(17).set(1);
  };

  beforeAll(async () => {
    sim.pin(17).set(1); // idle (active low)
    gw = await startGpioGateway({ uplinkUrl: UNREACHABLE, sim, zones: [{ name: 'east-gate' }], devices: [PANIC, SIREN] });
  });
  afterAll(async () => {
    await gw?.gateway.stop();
  });

  it('mounts the new relay, restarts the changed input, and the next press drives both outputs', async () => {
    await press();
    await new Promise((r) => setTimeout(r, 300));
    expect(sim.pin(27).history.some((e) => e.level === 1)).toBe(false); // no reaction configured yet
    await writeConfig([{ ...PANIC, debounceMs: 20 }, SIREN, STROBE], REACTIONS);
    expect(await gw.gateway.reload(file())).toMatchObject({ ok: true, message: 'devices +strobe-east ~panic-east-gate; reactions' });
    expect(gw.logs.lines.some((l) => l.msg === 'driver failed to start; device degraded')).toBe(false);
    expect(gw.gateway.inspect().failedComponents).toEqual([]);
    await press();
    await sim.pin(27).waitFor(1, 3000);
    await sim.pin(23).waitFor(1, 3000);
    await sim.pin(27).waitFor(0, 3000);
    await sim.pin(23).waitFor(0, 3000);
    expect(gw.gateway.ops.status().devices.map((d) => [d.id, d.status])).toEqual([
      ['panic-east-gate', 'ok'],
      ['siren-market', 'ok'],
      ['strobe-east', 'ok'],
    ]);
  });

  it('takes the reactions away with the next reload', async () => {
    await writeConfig([{ ...PANIC, debounceMs: 20 }, SIREN, STROBE], []);
    expect(await gw.gateway.reload(file())).toMatchObject({ ok: true, message: 'reactions' });
    const before = sim.pin(27).history.length;
    await press();
    await new Promise((r) => setTimeout(r, 500));
    expect(sim.pin(27).history.slice(before).some((e) => e.level === 1)).toBe(false);
  });
});

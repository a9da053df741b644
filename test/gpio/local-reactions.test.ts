/**
 * Zones, commands and reactions in a whole gateway (simulated pins, embedded township broker): an
 * alarm in an armed zone sounds the siren, a panic switches the strobe on until its zone is disarmed,
 * `zone.arm` / `zone.disarm` are signed commands with replies, and every message keeps the contract.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedGpio } from '../../device-drivers/gpio/simulated-backend.js';
import { generateOperatorKey, signCommand } from '../../gateway/kernel/signing.js';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { TOWNSHIP } from '../support/gateway-fixture.js';
import { TownshipProbe } from '../support/township.js';
import { startGpioGateway, type GpioGateway } from './support/gpio-gateway.js';
import { sleep } from './support/wait.js';

const key = generateOperatorKey();

describe('local reactions, zones and arming commands', () => {
  const township = new EmbeddedBroker();
  const sim = new SimulatedGpio();
  let gw: GpioGateway;
  let probe: TownshipProbe;

  const command = async (name: 'zone.arm' | 'zone.disarm', zones: string[]) => {
    const id = uuidv7();
    const now = Date.now();
    const cmd = { id, name, township: TOWNSHIP, target: gw.gatewayId, issuedAt: new Date(now).toISOString(), expiresAt: new Date(now + 60_000).toISOString(), by: 'duty-officer-wang', zones };
    await gw.gateway.testApi.handleCommand(`pingan/v1/${TOWNSHIP}/${gw.gatewayId}/cmd/${name}`, Buffer.from(JSON.stringify(signCommand(cmd, 'ops-arm', key.privatePem))));
    await probe.waitFor(() => probe.json('replies').some((m) => m.body.id === id), 5000, `reply to ${name}`);
    return probe.json('replies').find((m) => m.body.id === id)!.body;
  };
  const events = (type: string) => probe.events.filter((e) => e.type === type);

  beforeAll(async () => {
    await township.start();
    probe = await TownshipProbe.connect(township.url, 'probe-gpio-reactions', 4);
    sim.pin(17).set(1);
    gw = await startGpioGateway({
      uplinkUrl: township.url,
      uplink: { protocolVersion: 4 },
      sim,
      override: { commands: { operators: [{ kid: 'ops-arm', publicKey: key.publicRaw, roles: ['arm'] }] } },
      zones: [{ name: 'east-gate' }, { name: 'market' }],
      devices: [
        { id: 'panic-east-gate', driver: 'alarm-input', zone: 'east-gate', pin: 17, kind: 'panic', debounceMs: 10 },
        { id: 'pir-market', driver: 'alarm-input', zone: 'market', pin: 22, kind: 'pir', activeLow: false, debounceMs: 10 },
        { id: 'siren-market', driver: 'relay', pin: 27, maxOnSec: 5 },
        { id: 'strobe-east', driver: 'relay', pin: 23, maxOnSec: 5 },
      ],
      reactions: [
        { name: 'armed-siren', when: { armed: true }, do: { device: 'siren-market', action: 'pulse', seconds: 0.3 } },
        { name: 'panic-strobe', when: { input: 'panic' }, do: { device: 'strobe-east', action: 'on' } },
      ],
    });
    await probe.waitFor(() => gw.gateway.inspect().commandsReady, 10_000, 'command subscription');
  });
  afterAll(async () => {
    await gw?.gateway.stop();
    await probe?.close();
    await township.stop();
  });

  it('sounds the siren for an alarm in an armed zone only', async () => {
    await sim.pin(22).pulse(1, 50); // motion in the market, disarmed: no alarm, no siren
    await sleep(100);
    expect(sim.pin(27).history.some((e) => e.level === 1)).toBe(false);
    expect(await command('zone.arm', ['market'])).toMatchObject({ status: 'done' });
    expect(events('zone.armed').at(-1)).toMatchObject({ device: gw.gatewayId, category: 'alarm', data: { zone: 'market', by: 'command', operator: 'duty-officer-wang' } });
    await sim.pin(22).pulse(1, 50);
    await sim.pin(27).waitFor(1, 1000);
    await sim.pin(27).waitFor(0, 1000);
    await probe.waitFor(() => events('reaction.executed').length === 1, 5000, 'reaction event');
    const alarm = events('alarm.triggered').find((e) => e.device === 'pir-market')!;
    expect(alarm).toMatchObject({ severity: 'major', data: { zone: 'market', input: 'pir', armed: true } });
    expect(events('reaction.executed')[0]).toMatchObject({ device: 'siren-market', severity: 'major', data: { reaction: 'armed-siren', seconds: 0.3, cause: { id: alarm.id, zone: 'market' } } });
  });

  it('switches the strobe on at a panic and off when its zone is disarmed', async () => {
    sim.pin(17).set(0);
    await sim.pin(23).waitFor(1, 1000);
    sim.pin(17).set(1);
    await sleep(300);
    expect(sim.pin(23).level).toBe(1); // `on` lasts until disarmed, not until the button is released
    expect(await command('zone.disarm', ['east-gate'])).toMatchObject({ status: 'done' });
    await sim.pin(23).waitFor(0, 1000);
    await probe.waitFor(() => events('reaction.stopped').length === 1, 5000, 'stop event');
    expect(events('reaction.stopped')[0]).toMatchObject({ device: 'strobe-east', data: { target: 'strobe-east', zone: 'east-gate', reason: 'zone-disarmed' } });
    expect(events('alarm.triggered').find((e) => e.device === 'panic-east-gate')).toMatchObject({ severity: 'critical', data: { armed: false } });
  });

  it('rejects arming a zone this gateway does not have, naming its zones', async () => {
    const reply = await command('zone.arm', ['school']);
    expect(reply).toMatchObject({ status: 'rejected', error: { code: 'invalid', message: expect.stringMatching(/no zone "school" on this gateway; it has: east-gate, market/) } });
    expect(gw.gateway.testApi.isArmed('market')).toBe(true);
    expect(probe.invalid).toEqual([]);
  });
});

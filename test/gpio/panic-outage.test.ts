/**
 * A panic button pressed while the township link is down: the siren sounds at once (local reaction),
 * and the critical alarm and the reaction's own event reach a real Mosquitto once the link returns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monoNow } from '../../device-drivers/gpio/gpio.js';
import { SimulatedGpio } from '../../device-drivers/gpio/simulated-backend.js';
import { Mosquitto } from '../support/mosquitto.js';
import { TownshipProbe } from '../support/township.js';
import { requireTools } from '../support/tools.js';
import { startGpioGateway, type GpioGateway } from './support/gpio-gateway.js';

const DEBOUNCE_MS = 20;

describe.runIf(requireTools('mosquitto'))('panic during an uplink outage', () => {
  const broker = new Mosquitto({ persistence: true });
  const sim = new SimulatedGpio();
  let gw: GpioGateway;
  let probe: TownshipProbe;

  beforeAll(async () => {
    await broker.start();
    probe = await TownshipProbe.connect(broker.url, 'probe-gpio-outage');
    sim.pin(17).set(1); // a released button on a pull-up reads high
    gw = await startGpioGateway({
      uplinkUrl: broker.url,
      sim,
      zones: [{ name: 'east-gate' }],
      devices: [
        { id: 'panic-east-gate', driver: 'alarm-input', zone: 'east-gate', pin: 17, kind: 'panic', debounceMs: DEBOUNCE_MS },
        { id: 'siren-east', driver: 'relay', pin: 27, maxOnSec: 10 },
      ],
      reactions: [{ name: 'panic-siren', when: { input: 'panic' }, do: { device: 'siren-east', action: 'pulse', seconds: 1 } }],
    });
    await probe.waitFor(() => gw.gateway.inspect().uplinkState === 'connected', 10_000, 'uplink');
  });
  afterAll(async () => {
    await gw?.gateway.stop();
    await probe?.close();
    await broker.stop();
  });

  it('drives the siren at once and delivers the critical alarm and the reaction after the link returns', async () => {
    await broker.stop();
    await probe.waitFor(() => gw.gateway.inspect().uplinkState !== 'connected', 10_000, 'uplink down');

    const pressed = monoNow();
    sim.pin(17).set(0);
    const sirenOn = await sim.pin(27).waitFor(1, 2000);
    expect(Number(sirenOn - pressed) / 1e6).toBeLessThan(DEBOUNCE_MS + 300); // at once: the uplink is down for seconds
    sim.pin(17).set(1);
    await probe.waitFor(() => gw.gateway.inspect().backlog >= 2, 5000, 'alarm and reaction on disk');
    expect(probe.events.filter((e) => e.type === 'alarm.triggered')).toEqual([]);
    await sim.pin(27).waitFor(0, 3000); // the 1 s pulse ends on the box, uplink or not

    await broker.start();
    await probe.waitFor(() => probe.events.some((e) => e.type === 'reaction.executed'), 20_000, 'events after the outage');
    const alarm = probe.events.find((e) => e.type === 'alarm.triggered')!;
    const reaction = probe.events.find((e) => e.type === 'reaction.executed')!;
    expect(alarm).toMatchObject({ device: 'panic-east-gate', category: 'alarm', severity: 'critical', data: { zone: 'east-gate', input: 'panic', armed: false } });
    expect(reaction).toMatchObject({ device: 'siren-east', category: 'alarm', severity: 'critical', data: { reaction: 'panic-siren', target: 'siren-east', action: 'pulse', seconds: 1, cause: { device: 'panic-east-gate', type: 'alarm.triggered', id: alarm.id, seq: alarm.seq, zone: 'east-gate' } } });
    expect(reaction.seq).toBeGreaterThan(alarm.seq);
    await probe.waitFor(() => probe.events.some((e) => e.type === 'alarm.restored'), 5000, 'restore');
    expect(probe.invalid).toEqual([]);
  });
});

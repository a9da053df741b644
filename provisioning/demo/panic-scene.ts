/**
 * The demo's panic scene (一键报警): a panic button and a siren and strobe on simulated GPIO pins of the
 * demo gateway, joined by local reactions. The button is pressed while the township is unreachable: the
 * siren sounds at once on the box, and the critical alarm and the reaction reach the township later.
 */
import { SimulatedGpio } from '../../device-drivers/gpio/simulated-backend.js';

const BUTTON = 17;
const SIREN = 27;
const STROBE = 22;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function panicScene(say: (line: string) => void) {
  const sim = new SimulatedGpio();
  sim.pin(BUTTON).set(1); // released: the pull-up holds the line high
  for (const [pin, name] of [[SIREN, 'siren'], [STROBE, 'strobe']] as const) {
    sim.pin(pin).onLevel((e) => say(`  village ◀ ${name} relay (GPIO ${pin}) ${e.level === 1 ? 'ON' : 'off'}`));
  }
  return {
    /** Adds the scene's zone, devices and reactions to the demo's raw config. */
    extend<T extends { devices: unknown[] }>(raw: T) {
      return {
        ...raw,
        zones: [{ name: 'village-committee' }],
        devices: [
          ...raw.devices,
          { id: 'panic-committee', driver: 'alarm-input', zone: 'village-committee', pin: BUTTON, kind: 'panic', location: 'village committee office', debounceMs: 30 },
          { id: 'siren-committee', driver: 'relay', pin: SIREN, maxOnSec: 30 },
          { id: 'strobe-committee', driver: 'relay', pin: STROBE, maxOnSec: 8 },
        ],
        reactions: [
          { name: 'panic-siren', when: { input: 'panic' }, do: { device: 'siren-committee', action: 'pulse', seconds: 5 } },
          { name: 'panic-strobe', when: { input: 'panic' }, do: { device: 'strobe-committee', action: 'on' } },
        ],
      };
    },
    /** The simulated pins, for `createGateway`. */
    hardware: { gpio: sim.gpio },
    /** Presses the panic button for half a second. */
    async press(): Promise<void> {
      say(`  village ▶ panic button (一键报警) pressed at the village committee, GPIO ${BUTTON}: the box reacts on its own`);
      sim.pin(BUTTON).set(0);
      await sleep(500);
      sim.pin(BUTTON).set(1);
    },
  };
}

/**
 * The demo's door scene (门禁, issue 10, item 9): the village gate on a simulated UHPPOTE network
 * controller, talking real frames over UDP on loopback. The township syncs the whitelist (a signed
 * `access.sync`) and the gateway pushes its cards to the controller; a resident's card opens the gate
 * (the controller decides from that card list: `access.granted`), a stranger's card is refused
 * (`access.denied`, reason unknown), the gate is forced open at night and the committee siren sounds,
 * and the township unlocks the gate remotely with a signed `door.unlock`.
 */
import { systemUdp } from '../../device-drivers/net/udp.js';
import { UhppoteSimulator } from '../../device-drivers/uhppote/simulator.js';
import { sendCommand, type SendOptions } from '../township/commands/send.js';
import type { DemoLifetime } from './demo-lifetime.js';

const SERIAL = 423187757;
const DOOR = 'gate-village';
const RESIDENT_CARD = 10058400;
const STRANGER_CARD = 7770013;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The demo village's whitelist: one resident who may open the gate. */
const WHITELIST = { mode: 'full', version: 1, persons: [{ id: 'p-resident-0417', kind: 'resident', doors: [DOOR], credentials: [{ method: 'card', value: String(RESIDENT_CARD) }] }] };
/** How long the gateway may take to push the synced card to the controller (a loaded machine). */
const PUSH_WAIT_MS = 10_000;

/** A UDP port free on loopback now (the controller is told where to send its events before the gateway binds it). */
async function freeUdpPort(): Promise<number> {
  const s = await systemUdp.bind({ host: '127.0.0.1', port: 0, maxBytes: 64 }, () => {});
  const { port } = s;
  await s.close();
  return port;
}

/** Starts the simulated gate controller; the returned scene extends the demo's config and runs the story. */
export async function doorScene(say: (line: string) => void, life: DemoLifetime) {
  // Set at installation: the gateway only sets a controller's clock while its own is synced (the demo's may not be).
  const sim = new UhppoteSimulator({ serial: SERIAL, zone: 'Asia/Shanghai' });
  await sim.start();
  life.hold(() => sim.stop());
  const listenPort = await freeUdpPort();

  return {
    /** Adds the gate controller, its door and the forced-door siren reaction to the demo's raw config. */
    extend<T extends { devices: unknown[]; reactions?: unknown[] }>(raw: T) {
      return {
        ...raw,
        devices: [
          ...raw.devices,
          { id: 'ctl-village-gate', driver: 'uhppote', serial: SERIAL, address: '127.0.0.1', port: sim.port, listener: { address: '127.0.0.1', port: listenPort, bind: '127.0.0.1' }, timeZone: 'Asia/Shanghai', doors: [{ number: 1, device: DOOR, unlockSec: 2 }], location: 'village gate' },
          { id: DOOR, driver: 'uhppote-door', controller: 'ctl-village-gate', heldOpenSec: 20, location: 'village gate' },
        ],
        reactions: [...(raw.reactions ?? []), { name: 'gate-forced-siren', when: { type: 'door.forced', device: DOOR }, do: { device: 'siren-committee', action: 'pulse', seconds: 3 } }],
      };
    },

    /** The story, with the township's operator sending `access.sync` and `door.unlock` through `send`. */
    async run(send: SendOptions): Promise<void> {
      say('─── door access at the village gate (门禁): a UHPPOTE controller on the LAN ───');
      say('─── the township syncs the village whitelist (signed access.sync: one resident) ───');
      await sendCommand('access.sync', WHITELIST, send, (l) => say(`  operator: ${l}`));
      for (const until = Date.now() + PUSH_WAIT_MS; !sim.cards.has(RESIDENT_CARD) && Date.now() < until && !life.ended; ) await sleep(100);
      say(`  village ◀ gate controller card list: ${sim.cards.size} card(s), pushed by the gateway from the whitelist`);
      say(`  village ▶ resident card …${String(RESIDENT_CARD).slice(-2)} at the gate: the controller checks its own card list`);
      sim.swipe(RESIDENT_CARD, 1);
      await sleep(600);
      sim.setDoor(1, true);
      await sleep(1200);
      sim.setDoor(1, false);
      await sleep(2500);
      if (life.ended) return;
      say(`  village ▶ an unknown card …${String(STRANGER_CARD).slice(-2)} at the gate`);
      sim.swipe(STRANGER_CARD, 1);
      await sleep(1500);
      if (life.ended) return;
      say('  village ▶ night: the gate is forced open with no card, no exit button, no remote unlock');
      sim.setDoor(1, true);
      await sleep(2000);
      sim.setDoor(1, false);
      await sleep(1500);
      if (life.ended) return;
      say('─── the township unlocks the gate remotely (signed door.unlock) ───');
      await sendCommand('door.unlock', { door: DOOR, seconds: 5 }, send, (l) => say(`  operator: ${l}`));
      await sleep(1500);
      say(`  village ◀ gate controller relay ${sim.unlocked(1) ? 'released: the gate is open' : 'locked'}`);
    },
  };
}

/**
 * Memory and intake cost of the person alert rules (issue 10 item 6), measured on `vgw run` as a child
 * process (VmRSS / VmHWM from /proc): 20,000 persons on a watched list swipe once each at a LAN reader
 * (QoS 1, acknowledged after commit), with and without the rules configured. Run:
 * `npx tsx test/bench/rules-footprint.ts` (takes about a minute).
 */
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { deviceClient, publishBurst } from '../support/devices.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { memory } from './proc-stats.js';

const PERSONS = 20_000;
const READER = { id: 'reader-east-gate', password: 'reader-secret-7', category: 'access' };
const RULES = {
  personRules: {
    checkEverySec: 60,
    rules: [
      { name: 'welfare', trigger: 'absent', lists: ['resident'], hours: 24 },
      { name: 'watch', trigger: 'appear', lists: ['watch'] },
      { name: 'stranger', trigger: 'stranger' },
    ],
  },
};

/** The reader may send as fast as the gateway commits (the default device rate is 100/s). */
const FAST = { localBroker: { host: '127.0.0.1', port: 0, deviceRate: { perSec: 10_000, burst: 10_000 } } };

async function run(label: string, override: Record<string, unknown>): Promise<void> {
  const township = new EmbeddedBroker();
  await township.start();
  const gw = await GatewayProcess.prepare({ uplinkUrl: township.url, devices: [READER], uplink: { protocolVersion: 4 }, override: { ...FAST, ...override } });
  await gw.start();
  await new Promise((r) => setTimeout(r, 2000)); // settle after start
  const idle = memory(gw.pid);
  const dev = await deviceClient(gw.localPort, READER.id, READER.password);
  const t0 = performance.now();
  const acked = await publishBurst(dev, READER.id, PERSONS, (i) => ({ type: 'access.granted', door: 'gate', person: `r-${i}`, lists: ['resident'], credential: { method: 'card', hash: `h${i}`, last2: '00' } }), 50);
  const ms = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 2000));
  const after = memory(gw.pid);
  await dev.endAsync();
  await gw.stop();
  await township.stop();
  console.log(`${label}: ${acked.length}/${PERSONS} acked in ${(ms / 1000).toFixed(1)} s (${((PERSONS * 1000) / ms).toFixed(0)}/s); RSS idle ${idle.rssMiB.toFixed(1)} MiB, after ${after.rssMiB.toFixed(1)} MiB, HWM ${after.hwmMiB.toFixed(1)} MiB`);
}

await run('without rules', {});
await run('with rules', RULES);

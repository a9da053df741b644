/**
 * `npm start` / `vgw demo`: everything on one machine with nothing to configure — an embedded township
 * broker, the gateway, three simulated devices — and a console view of what the township receives,
 * through an uplink outage and its recovery, a signed `ping` and a broadcast to every village. Every
 * scene runs to its end with its real waits; then the demo keeps running with live traffic until
 * Ctrl-C, or stops once `--duration` seconds have passed since it began (issue 8, finding 15).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { pino } from 'pino';
import { generateOperatorKey } from '../../gateway/kernel/signing.js';
import { parseConfig } from '../../gateway/config/load.js';
import { createGateway } from '../../gateway/create-gateway.js';
import { hashPassword } from '../../device-drivers/mqtt/passwords.js';
import { EmbeddedBroker } from '../demo/township-broker.js';
import { connectSimDevice, publishEvent, publishState, type SimDevice } from '../demo/sim-devices.js';
import { describeUplinkMessage } from '../demo/console-view.js';
import { DemoLifetime } from '../demo/demo-lifetime.js';
import { panicScene } from '../demo/panic-scene.js';
import { runBroadcastScene } from '../demo/broadcast-scene.js';
import { cameraScene } from '../demo/camera-scene.js';
import { doorScene } from '../demo/door-scene.js';
import { sendCommand } from '../township/commands/send.js';

const TOWNSHIP = '370283104';
const GATEWAY = '370283104-demo-01';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runDemo({ durationSec }: { durationSec?: number | undefined }): Promise<void> {
  const began = Date.now();
  const say = (line: string) => process.stdout.write(`${new Date().toTimeString().slice(0, 8)}  ${line}\n`);
  const life = new DemoLifetime();
  life.onSignals((signal) => say(`${signal}: stopping the demo`));
  try {
    await scenes(life, say);
  } catch (err) {
    // A scene cut short by Ctrl-C fails on the parts already stopped: that is not an error.
    if (life.ended) return;
    await life.end();
    throw err;
  }
  if (durationSec === undefined) {
    say('─── all scenes done; the demo keeps running with live traffic (Ctrl-C stops it) ───');
    return;
  }
  await sleep(Math.max(0, began + durationSec * 1000 - Date.now()));
  await life.end();
  say(`demo finished; its temp directory ${life.dir} is removed`);
}

async function scenes(life: DemoLifetime, say: (line: string) => void): Promise<void> {
  const { dir } = life;
  const township = new EmbeddedBroker();
  await township.start();
  life.hold(() => township.stop());

  const devices = [
    { id: 'panic-east-gate', category: 'alarm', password: 'demo-panic-pass' },
    { id: 'door-village-gate', category: 'door', password: 'demo-door-pass' },
    { id: 'pir-market', category: 'alarm', password: 'demo-pir-pass' },
  ] as const;
  const key = generateOperatorKey();
  writeFileSync(join(dir, 'operator.key'), key.privatePem, { mode: 0o600 });
  const scene = panicScene(say);
  const camera = await cameraScene(say, life);
  const doors = await doorScene(say, life);
  const config = parseConfig(doors.extend(camera.extend(scene.extend({
    gateway: { id: GATEWAY, township: TOWNSHIP, dataDir: join(dir, 'data') },
    localBroker: { host: '127.0.0.1', port: 0 },
    uplink: { url: township.url, protocolVersion: 4, username: GATEWAY, keepaliveSec: 10, backoffInitialMs: 300, backoffMaxMs: 2000, metricsIntervalSec: 5 },
    commands: { operators: [{ kid: 'demo-operator', publicKey: key.publicRaw, roles: ['admin'] }] },
    severity: { default: 'info', types: { 'panic.pressed': 'critical', 'door.forced': 'major', 'motion.detected': 'minor' } },
    devices: await Promise.all(devices.map(async (d) => ({ id: d.id, driver: 'mqtt', category: d.category, passwordHash: await hashPassword(d.password) }))),
  }))), 'demo config');
  const logFile = join(dir, 'gateway.log');
  const gateway = createGateway({ config, log: pino({ level: 'info' }, pino.destination({ dest: logFile, sync: false })), hardware: scene.hardware });
  await gateway.start();
  life.hold(() => gateway.stop('demo finished'));

  say(`village-gateway demo — 平安乡村 技防 demo`);
  say(`gateway ${GATEWAY}: local broker on port ${gateway.localPort}, township broker ${township.url}`);
  say(`gateway logs (pino JSON): ${logFile} (removed when the demo stops)`);
  say('─── what the township monitoring center receives ───');

  const watch = async () => {
    const c = await connectAsync(township.url, { protocolVersion: 4, reconnectPeriod: 300 });
    life.hold(() => c.endAsync(true));
    c.on('message', (topic, payload) => {
      const line = describeUplinkMessage(topic, payload);
      if (line) say(`  township ◀ ${line}`);
    });
    c.on('connect', () => void c.subscribe('pingan/#', { qos: 1 }));
    await c.subscribeAsync('pingan/#', { qos: 1 });
    return c;
  };
  const monitor = await watch();

  const sims: SimDevice[] = [];
  for (const d of devices) {
    const sim = await connectSimDevice(gateway.localPort, d.id, d.password);
    life.hold(() => sim.client.endAsync());
    sims.push(sim);
  }
  const [panic, door, pir] = sims as [SimDevice, SimDevice, SimDevice];
  await publishState(door, { open: false, locked: true });

  let n = 0;
  const traffic = setInterval(() => {
    n++;
    void publishEvent(pir, { type: 'motion.detected', area: 'market', n }).catch(() => {});
    if (n % 3 === 0) void publishEvent(door, { type: 'door.opened', by: 'card' }).catch(() => {});
  }, 700);
  life.hold(async () => clearInterval(traffic));

  await sleep(4000);
  say('─── township link cut: the gateway keeps accepting events and buffers them on disk ───');
  await monitor.endAsync(true).catch(() => {});
  await township.stop();
  await sleep(1500);
  await publishEvent(panic, { type: 'panic.pressed', zone: 'east-gate', input: 'panic' });
  say(`  village ▶ panic button pressed at the east gate while the township is unreachable`);
  await scene.press();
  for (let i = 0; i < 4; i++) {
    await sleep(1500);
    say(`  gateway backlog: ${gateway.inspect().backlog} messages waiting (oldest ${Math.round((gateway.inspect().oldestAgeMs ?? 0) / 1000)} s)`);
  }
  if (life.ended) return;
  say('─── township link back: the backlog drains, critical first ───');
  await township.start();
  await watch();
  await sleep(4000);
  if (life.ended) return;
  say('─── the township sends a signed ping command ───');
  await sendCommand('ping', {}, { broker: township.url, township: TOWNSHIP, target: GATEWAY, key: join(dir, 'operator.key'), kid: 'demo-operator', by: 'demo', expires: 60, timeout: 5, protocol: '4' }, (l) => say(`  operator: ${l}`));
  if (life.ended) return;
  await camera.run();
  if (life.ended) return;
  await runBroadcastScene({ townshipUrl: township.url, township: TOWNSHIP, keyFile: join(dir, 'operator.key'), kid: 'demo-operator', publicKey: key.publicRaw, dir, others: [GATEWAY], life, say });
  if (!life.ended) await doors.run({ broker: township.url, township: TOWNSHIP, target: GATEWAY, key: join(dir, 'operator.key'), kid: 'demo-operator', by: 'demo', expires: 60, timeout: 5, protocol: '4' });
}

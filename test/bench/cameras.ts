/**
 * Camera footprint benchmark (issue 11): a `vgw run` child process with 8 fake cameras (ONVIF PullPoint,
 * digest, snapshots) each raising one motion alarm per second, against a real Mosquitto township.
 * Reports the child's VmRSS (median, p99 of 1 s samples) and VmHWM from /proc, its CPU, and the events
 * lost (raised on the cameras minus distinct camera.motion events at the township), beside the same
 * gateway without cameras. `npm run bench:cameras` (compiled, after `npm run build`); BENCH_SECONDS sets
 * the length (default 60), BENCH_SOURCE=1 runs the sources through tsx instead.
 */
import { connectAsync } from 'mqtt';
import { FakeCamera } from '../../device-drivers/camera/fake-camera.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { Mosquitto } from '../support/mosquitto.js';
import { cameraConfig } from '../camera/support.js';
import { CpuWindow, memory } from './proc-stats.js';

const CAMERAS = 8;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const compiled = process.env.BENCH_SOURCE !== '1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

interface Run {
  rssMedian: number;
  rssP99: number;
  hwm: number;
  cpu: number;
  raised: number;
  received: number;
}

async function run(broker: Mosquitto, cameras: FakeCamera[]): Promise<Run> {
  const ids = new Set<string>();
  const township = await connectAsync(broker.url, { protocolVersion: 5 });
  township.on('message', (_t, payload) => {
    const e = JSON.parse(payload.toString()) as { id: string; type: string };
    if (e.type === 'camera.motion') ids.add(e.id);
  });
  await township.subscribeAsync('pingan/v1/+/+/events/camera', { qos: 1 });
  const devices = cameras.map((cam, i) => cameraConfig(cam, { health: { intervalSec: 30 }, onvif: { pullTimeoutSec: 10 }, hygiene: { cooldownSec: 0 } }, `cam-${i + 1}`));
  const gw = await GatewayProcess.prepare({ uplinkUrl: broker.url, devices: [], override: { devices } });
  // With the allocator settings of provisioning/install/vgw.service, as a box runs it.
  await gw.start({ MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' }, compiled);
  await sleep(3000); // subscriptions made
  const cpu = new CpuWindow(gw.pid);
  cpu.start();
  const rss: number[] = [];
  let raised = 0;
  for (let s = 0; s < SECONDS; s++) {
    for (const cam of cameras) cam.alarm();
    raised += cameras.length;
    await sleep(1000);
    rss.push(memory(gw.pid).rssMiB);
  }
  const cpuPct = cpu.stop();
  const hwm = memory(gw.pid).hwmMiB;
  const until = Date.now() + 30_000;
  while (ids.size < raised && Date.now() < until) await sleep(200);
  await gw.stop();
  await township.endAsync();
  return { rssMedian: pct(rss, 50), rssP99: pct(rss, 99), hwm, cpu: cpuPct, raised, received: ids.size };
}

async function main(): Promise<void> {
  const broker = new Mosquitto();
  await broker.start();
  try {
    const cameras: FakeCamera[] = [];
    for (let i = 0; i < CAMERAS; i++) {
      const cam = new FakeCamera();
      await cam.start();
      cameras.push(cam);
    }
    const base = await run(broker, []);
    const withCams = await run(broker, cameras);
    for (const c of cameras) await c.stop();
    const line = (name: string, r: Run) =>
      `${name.padEnd(22)} RSS median ${r.rssMedian.toFixed(1)} MiB, p99 ${r.rssP99.toFixed(1)} MiB, VmHWM ${r.hwm.toFixed(1)} MiB, CPU ${r.cpu.toFixed(1)} % of a core, events ${r.received}/${r.raised} (lost ${r.raised - r.received})`;
    process.stdout.write(`camera benchmark: ${SECONDS} s, ${compiled ? 'compiled' : 'tsx sources'}\n${line('no cameras', base)}\n${line(`${CAMERAS} cameras, 1 alarm/s`, withCams)}\n`);
  } finally {
    await broker.stop();
  }
}

await main();

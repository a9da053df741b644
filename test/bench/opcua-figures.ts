/**
 * `npm run bench:opcua` (issue 15): memory and start-up time of the compiled daemon and of its OPC UA
 * child, read from /proc of the processes themselves (VmHWM = peak RSS, VmRSS after 5 s idle):
 *   - daemon alone (no OPC UA in the config: no child);
 *   - client only: one `opcua` device with 3 monitored items on a loopback server in this process;
 *   - server only: `opcuaServer` enabled (standard nodeset, 2 zones);
 *   - both.
 * Start-up: from spawn to the log line that says it is ready ("gateway started", "opcua device
 * online", "opcua server started"). RUNS (default 3) runs per scenario; medians are printed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { hashPassword } from '../../device-drivers/mqtt/passwords.js';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { freePort } from '../support/ports.js';
import { Plc } from '../opcua/plc.js';
import { opcuaChild } from '../opcua/procs.js';
import { memory } from './proc-stats.js';

const RUNS = Number(process.env.RUNS ?? 3);
const IDLE_MS = 5000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function waitFor(gw: GatewayProcess, text: string, what: string): Promise<void> {
  const until = Date.now() + 60_000;
  while (!gw.output.includes(text)) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}:\n${gw.output.slice(-3000)}`);
    await sleep(20);
  }
}

interface Sample {
  readyMs: number;
  daemon: { rssMiB: number; hwmMiB: number };
  child?: { rssMiB: number; hwmMiB: number } | undefined;
}

async function run(townshipUrl: string, override: Record<string, unknown>, ready: string[]): Promise<Sample> {
  const gw = await GatewayProcess.prepare({ uplinkUrl: townshipUrl, devices: [], uplink: { protocolVersion: 4 }, override });
  const t0 = Date.now();
  await gw.start({}, true);
  try {
    for (const line of ready) await waitFor(gw, line, line);
    const readyMs = Date.now() - t0;
    await sleep(IDLE_MS);
    const child = opcuaChild(gw.pid);
    return { readyMs, daemon: memory(gw.pid), child: child ? memory(child) : undefined };
  } finally {
    await gw.stop();
  }
}

async function main(): Promise<void> {
  const township = new EmbeddedBroker();
  const plc = new Plc();
  await Promise.all([township.start(), plc.start()]);
  const users = [{ name: 'scada', passwordHash: await hashPassword('bench-password'), roles: ['arm'] }];
  const client = { id: 'pump-station', driver: 'opcua', endpoint: plc.url, items: [
    { name: 'fire', nodeId: 'ns=1;s=Fire', alarm: { type: 'fire.alarm', restoreType: 'fire.restored' } },
    { name: 'level', nodeId: 'ns=1;s=Level', threshold: { above: 3.5, hysteresis: 0.3, type: 'water.level.high', restoreType: 'water.level.normal' } },
    { name: 'pump', nodeId: 'ns=1;s=Pump', writable: true },
  ] };
  const server = async () => ({ enabled: true, host: '127.0.0.1', port: await freePort(), acceptUnknownClients: true, users });
  const zones = [{ name: 'east-gate' }, { name: 'market' }];
  const scenarios: { name: string; override: () => Promise<Record<string, unknown>>; ready: string[] }[] = [
    { name: 'daemon alone', override: async () => ({}), ready: ['"msg":"gateway started"'] },
    { name: 'client only', override: async () => ({ devices: [client] }), ready: ['"msg":"gateway started"', '"msg":"opcua device online"'] },
    { name: 'server only', override: async () => ({ zones, opcuaServer: await server() }), ready: ['"msg":"opcua server started"', '"msg":"gateway started"'] },
    { name: 'client and server', override: async () => ({ zones, devices: [client], opcuaServer: await server() }), ready: ['"msg":"opcua server started"', '"msg":"gateway started"', '"msg":"opcua device online"'] },
  ];
  const results = [];
  for (const s of scenarios) {
    const samples: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      samples.push(await run(township.url, await s.override(), s.ready));
      process.stderr.write(`${s.name}: run ${i + 1}/${RUNS} done\n`);
    }
    const m = (f: (x: Sample) => number | undefined) => +median(samples.map((x) => f(x) ?? NaN)).toFixed(1);
    results.push({ scenario: s.name, readyMs: m((x) => x.readyMs), daemonHwmMiB: m((x) => x.daemon.hwmMiB), daemonRssMiB: m((x) => x.daemon.rssMiB), childHwmMiB: m((x) => x.child?.hwmMiB), childRssMiB: m((x) => x.child?.rssMiB), runs: RUNS });
  }
  await plc.stop();
  await township.stop();
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/opcua-figures.json', `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write('| scenario | ready (ms) | daemon VmHWM / VmRSS (MiB) | child VmHWM / VmRSS (MiB) |\n|---|---|---|---|\n');
  for (const r of results) process.stdout.write(`| ${r.scenario} | ${r.readyMs} | ${r.daemonHwmMiB} / ${r.daemonRssMiB} | ${Number.isNaN(r.childHwmMiB) ? '—' : `${r.childHwmMiB} / ${r.childRssMiB}`} |\n`);
}

await main();

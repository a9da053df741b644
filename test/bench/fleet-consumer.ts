/**
 * The monitoring center under test (child process of fleet-run.ts), so its CPU and memory are its own:
 * the console model, redrawn into a string every 500 ms as a terminal would get it, and optionally
 * the SQLite archive. Reports every 200 ms over IPC: events received, events stored, memory, CPU time.
 */
import { pino } from 'pino';
import { createMonitor } from '../../provisioning/township/monitor/monitor.js';
import { renderScreen } from '../../provisioning/township/monitor/render.js';

interface ConsumerArgs {
  url: string;
  clientId: string;
  archive?: string;
  share?: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ConsumerArgs;

async function main(): Promise<void> {
  const monitor = createMonitor({ feed: { url: args.url, clientId: args.clientId, protocolVersion: 5, scope: { share: args.share } }, filter: {}, archive: args.archive ? { sqlite: args.archive } : undefined, settleMs: 30_000 }, pino({ level: 'warn' }));
  await monitor.start();
  const m = monitor.model;
  setInterval(() => {
    const now = Date.now();
    renderScreen({ broker: args.url, link: m.link, filter: {}, share: args.share ?? null, stats: m.stats, gateways: m.gateways(now), events: m.events(50), archive: monitor.archive, now }, { width: 160, height: 50, colour: true });
  }, 500);
  setInterval(() => {
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    process.send?.({ received: m.stats.events + m.stats.duplicates, stored: monitor.archive?.stored ?? 0, gateways: m.gateways().length, rssMiB: mem.rss / 2 ** 20, heapMiB: mem.heapUsed / 2 ** 20, cpuMs: (cpu.user + cpu.system) / 1000 });
  }, 200);
  process.on('message', (msg: { stop?: boolean }) => {
    if (msg.stop) void monitor.stop().then(() => process.exit(0));
  });
  process.send?.({ ready: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`fleet-consumer: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

/**
 * The monitoring center under test (child process of fleet-run.ts), so its CPU and memory are its own:
 * the console model, redrawn into a string every 500 ms as a terminal would get it, and optionally
 * an archive (SQLite, or PostgreSQL with several connections). Reports every 200 ms over IPC: events
 * received and stored, memory, CPU time, and the archive lag (publish → commit) of the live events since
 * the last report (p50, p99, ms; replayed backlog left out).
 */
import { pino } from 'pino';
import { createMonitor } from '../../provisioning/township/monitor/monitor.js';
import { renderScreen } from '../../provisioning/township/monitor/render.js';

interface ConsumerArgs {
  url: string;
  clientId: string;
  archive?: string;
  postgres?: string;
  connections?: number;
  share?: string;
}

/** The `q` quantile of `xs` (sorted in place). */
function quantile(xs: number[], q: number): number | null {
  if (xs.length === 0) return null;
  xs.sort((a, b) => a - b);
  return xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] as number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ConsumerArgs;

async function main(): Promise<void> {
  let lags: number[] = [];
  const onArchived = (events: readonly { event: { ts: string; data: Record<string, unknown> } }[]): void => {
    const now = Date.now();
    for (const e of events) if (!e.event.data.replay) lags.push(now - Date.parse(e.event.ts));
  };
  const archive = args.postgres ? { postgres: args.postgres } : args.archive ? { sqlite: args.archive } : undefined;
  const monitor = createMonitor({ feed: { url: args.url, clientId: args.clientId, protocolVersion: 5, scope: { share: args.share } }, filter: {}, archive, connections: args.connections, onArchived, settleMs: 30_000 }, pino({ level: 'warn' }));
  await monitor.start();
  const m = monitor.model;
  setInterval(() => {
    const now = Date.now();
    renderScreen({ broker: args.url, link: m.link, filter: {}, share: args.share ?? null, stats: m.stats, gateways: m.gateways(now), events: m.events(50), archive: monitor.archive, now }, { width: 160, height: 50, colour: true });
  }, 500);
  setInterval(() => {
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    const lag = { lagP50: quantile(lags, 0.5), lagP99: quantile(lags, 0.99), lagN: lags.length };
    lags = [];
    process.send?.({ received: m.stats.events + m.stats.duplicates, stored: monitor.archive?.stored ?? 0, commits: monitor.archive?.commits ?? 0, gateways: m.gateways().length, rssMiB: mem.rss / 2 ** 20, heapMiB: mem.heapUsed / 2 ** 20, cpuMs: (cpu.user + cpu.system) / 1000, ...lag });
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

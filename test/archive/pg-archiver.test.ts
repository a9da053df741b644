/**
 * `vgw archive --postgres` as a county runs it (issue 16): real Mosquitto, real PostgreSQL, archivers as
 * child processes of the CLI. Every event stored exactly once across an archiver killed with SIGKILL
 * mid-stream (its uncommitted batch is delivered again; its committed one is not stored twice), and
 * across two archivers sharing one subscription.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventTopic, villageEvent } from '../monitor/envelopes.js';
import { Mosquitto } from '../support/mosquitto.js';
import { PostgresServer, requirePostgres } from '../support/postgres.js';
import { requireTools } from '../support/tools.js';
import { ROOT, vgw } from '../support/vgw-cli.js';
import { until } from '../support/wait.js';

const ready = requireTools('mosquitto') && requirePostgres();

/** An archiver: `vgw archive …` exactly as the README shows it, plus the test's broker and database. */
function archiver(broker: string, url: string, clientId: string, connections: number): ChildProcess {
  const args = ['archive', '--broker', broker, '--postgres', url, '--share', 'county', '--connections', String(connections), '--client-id', clientId, '--stats-every', '1'];
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'provisioning/cli.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.resume();
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(d));
  return child;
}

const exited = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once('exit', () => r())));

describe.runIf(ready)('PostgreSQL archivers on Mosquitto', () => {
  const broker = new Mosquitto();
  let server: PostgresServer;
  let db: pg.Client;
  const gateways: MqttClient[] = [];
  const children: ChildProcess[] = [];
  const seqs = new Map<string, number>();
  const sent: string[] = [];

  /** Publishes `n` events QoS 1 from three simulated gateways, `perTick` at a time. */
  async function publish(n: number, perTick = 20): Promise<void> {
    for (let i = 0; i < n; i += perTick) {
      await Promise.all(
        Array.from({ length: Math.min(perTick, n - i) }, (_, k) => {
          const g = gateways[(i + k) % gateways.length] as MqttClient;
          const id = g.options.clientId as string;
          const e = villageEvent(id, (seqs.get(id) ?? 0) + 1);
          seqs.set(id, e.seq);
          sent.push(e.id);
          return g.publishAsync(eventTopic(e), JSON.stringify(e), { qos: 1 });
        }),
      );
    }
  }

  const archived = async (): Promise<{ n: number; distinct: number }> => {
    const r = await db.query<{ n: string; distinct: string }>('SELECT count(*) AS n, count(DISTINCT id) AS distinct FROM events');
    return { n: Number(r.rows[0]?.n), distinct: Number(r.rows[0]?.distinct) };
  };

  beforeAll(async () => {
    server = new PostgresServer();
    await Promise.all([broker.start(), server.start()]);
    for (const i of [1, 2, 3]) gateways.push(await connectAsync(broker.url, { clientId: `370283104-sim00${i}-01`, protocolVersion: 5 }));
  }, 60_000);

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(gateways.map((g) => g.endAsync()));
    await db?.end();
    server?.destroy();
    await broker.stop();
  });

  it('stores every event once across an archiver killed mid-stream and started again', async () => {
    const first = archiver(broker.url, server.url, 'county-a', 4);
    children.push(first);
    // The schema exists once the archiver is up; the first events prove it subscribed.
    await until('the archiver subscribed', async () => {
      try {
        db ??= await (async () => {
          const c = new pg.Client(server.url);
          await c.connect();
          return c;
        })();
        await db.query('SELECT 1 FROM events LIMIT 1');
        return true;
      } catch {
        return false;
      }
    }, 60_000, 100);
    await new Promise((r) => setTimeout(r, 500));
    const publishing = publish(3000);
    await until('the archiver in mid-stream', async () => (await archived()).n >= 600, 60_000, 100);
    first.kill('SIGKILL');
    await exited(first);
    await publishing;
    const atKill = (await archived()).n;
    expect(atKill).toBeLessThan(3000);
    const again = archiver(broker.url, server.url, 'county-a', 4);
    children.push(again);
    await until('all 3000 archived', async () => (await archived()).n >= 3000, 60_000, 100);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await archived()).toEqual({ n: 3000, distinct: 3000 });
    const ids = new Set((await db.query<{ id: string }>('SELECT id FROM events')).rows.map((r) => r.id));
    expect(sent.filter((id) => !ids.has(id))).toEqual([]);
    again.kill('SIGTERM');
    await exited(again);
  }, 120_000);

  it('splits the events between two archivers of one group: none lost, none twice', async () => {
    const before = (await archived()).n;
    // county-a comes back with fewer connections: the sessions of the two it no longer opens are retired, not left holding events.
    const [a, b] = [archiver(broker.url, server.url, 'county-a', 2), archiver(broker.url, server.url, 'county-b', 2)];
    children.push(a, b);
    await new Promise((r) => setTimeout(r, 3000));
    await publish(2000);
    await until('all 2000 archived', async () => (await archived()).n >= before + 2000, 60_000, 100);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await archived()).toEqual({ n: before + 2000, distinct: before + 2000 });
    // Both took part (a shared group spreads the messages over its members).
    const r = await vgw(['events', 'gaps', '--postgres', server.url, '--json']);
    expect(r.code).toBe(0);
    const gaps = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { unexplained: unknown[]; archived: number });
    expect(gaps).toHaveLength(3);
    expect(gaps.every((g) => g.unexplained.length === 0)).toBe(true);
    expect(gaps.reduce((n, g) => n + g.archived, 0)).toBe(before + 2000);
    // The README's search, as CSV: a header and one line per alarm.
    const alarms = Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM events WHERE category = 'alarm'")).rows[0]?.n);
    const csv = await vgw(['events', 'query', '--postgres', server.url, '--since', '2026-11-01', '--category', 'alarm', '--limit', '100000', '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(csv.stdout.trim().split('\n')).toHaveLength(alarms + 1);
    // The README's monthly report of this month: one row per simulated village, every event counted once.
    const d = new Date();
    const month = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
    const report = await vgw(['report', 'monthly', '--month', month, '--postgres', server.url, '--format', 'csv']);
    expect(report.code).toBe(0);
    const rows = report.stdout.trim().split('\n').slice(1).map((l) => l.split(','));
    expect(rows).toHaveLength(3);
    expect(rows.reduce((n, r) => n + Number(r[3]), 0)).toBe(before + 2000);
    a.kill('SIGTERM');
    b.kill('SIGTERM');
    await Promise.all([exited(a), exited(b)]);
  }, 120_000);
});

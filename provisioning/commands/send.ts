/**
 * `vgw send`: the operator's side of the command path. Signs the command, publishes it, and prints the
 * reply of every gateway that answers; says which expected gateways stayed silent.
 */
import { readFileSync } from 'node:fs';
import { connectAsync } from 'mqtt';
import { v7 as uuidv7 } from 'uuid';
import { signCommand } from '../../gateway/commands/signing.js';
import { CONTRACT_ROOT, townshipTopics } from '../../cloud-bridge/topics.js';
import { sanitize } from '../monitor/text-cells.js';
import { brokerAuth, type BrokerOptions } from './broker-options.js';

export interface SendOptions extends BrokerOptions {
  township: string;
  target: string;
  key: string;
  kid: string;
  by: string;
  expires: number;
  timeout: number;
  expect?: string;
}

const FINAL = new Set(['done', 'failed', 'rejected']);
const STATUS_ZH: Record<string, string> = { accepted: '已接受', done: '已完成', rejected: '已拒绝', failed: '失败' };

/** One gateway's answer; a gateway that does not know the command says `rejected (invalid)` and why. */
function replyLine(gateway: string, reply: { status?: string; error?: { code?: string; message?: string } }): string {
  const status = `${reply.status} ${STATUS_ZH[String(reply.status)] ?? ''}`.trim();
  const why = reply.error ? ` (${reply.error.code}): ${reply.error.message}` : '';
  // Gateways are not trusted to write to the operator's terminal: no escape sequences.
  return sanitize(`${gateway}  ${status}${why}`);
}

/**
 * Returns the exit code: 0 when every expected gateway answered `done`, or `accepted` for work that
 * takes longer than the wait (a scheduled broadcast), and none refused or failed.
 */
export async function sendCommand(name: string, params: Record<string, unknown>, o: SendOptions, print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const now = Date.now();
  const command = { id: uuidv7(), name, township: o.township, target: o.target, issuedAt: new Date(now).toISOString(), expiresAt: new Date(now + o.expires * 1000).toISOString(), by: o.by, ...params };
  const envelope = signCommand(command, o.kid, readFileSync(o.key, 'utf8'));
  const client = await connectAsync(o.broker, {
    ...brokerAuth(o),
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
  const expected = new Set(o.target === 'all' ? (o.expect?.split(',').filter(Boolean) ?? []) : [o.target]);
  /** Each answering gateway's latest status; a final one is never replaced by a late `accepted`. */
  const latest = new Map<string, string>();
  try {
    await client.subscribeAsync(`${CONTRACT_ROOT}/${o.township}/+/replies/${command.id}`, { qos: 1 });
    const done = new Promise<void>((resolve) => {
      client.on('message', (topic, payload) => {
        const gateway = topic.split('/')[3] ?? '?';
        let reply: { status?: string; error?: { code?: string; message?: string } };
        try {
          reply = JSON.parse(payload.toString('utf8'));
        } catch {
          return;
        }
        print(replyLine(gateway, reply));
        if (reply.status && !FINAL.has(latest.get(gateway) ?? '')) latest.set(gateway, reply.status);
        if (expected.size > 0 && [...expected].every((g) => FINAL.has(latest.get(g) ?? ''))) resolve();
      });
    });
    const topic = townshipTopics({ township: o.township, gateway: o.target }).command(o.target, name);
    await client.publishAsync(topic, JSON.stringify(envelope), { qos: 1 });
    print(`sent ${name} ${command.id} to ${o.target}; waiting ${o.timeout} s for replies`);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise((r) => (timer = setTimeout(r, o.timeout * 1000)))]);
    // A pending timer would keep the process alive for the whole timeout after the last reply.
    clearTimeout(timer);
  } finally {
    await client.endAsync();
  }
  const silent = [...expected].filter((g) => !latest.has(g));
  const running = [...latest].filter(([, s]) => s === 'accepted').map(([g]) => g);
  if (silent.length > 0) print(`no reply from: ${silent.join(', ')}`);
  if (running.length > 0) print(`accepted, outcome not known yet (已接受，结果未知): ${running.join(', ')}`);
  if (latest.size === 0 && expected.size === 0) print('no gateway replied');
  const tally = new Map<string, number>();
  for (const s of latest.values()) tally.set(s, (tally.get(s) ?? 0) + 1);
  if (latest.size > 0) print(`replies: ${[...tally].map(([s, n]) => `${n} ${s}`).join(', ')}${silent.length ? `, ${silent.length} silent` : ''}`);
  const failed = [...latest.values()].some((s) => s === 'rejected' || s === 'failed');
  return silent.length > 0 || failed || latest.size === 0 ? 1 : 0;
}

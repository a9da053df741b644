/**
 * `vgw send`: the operator's side of the command path. Signs the command, publishes it, and prints the
 * reply of every gateway that answers; says which expected gateways stayed silent.
 */
import { readFileSync } from 'node:fs';
import { connectAsync } from 'mqtt';
import { v7 as uuidv7 } from 'uuid';
import { signCommand } from '../../gateway/commands/signing.js';
import { CONTRACT_ROOT, townshipTopics } from '../../cloud-bridge/topics.js';

export interface SendOptions {
  broker: string;
  township: string;
  target: string;
  key: string;
  kid: string;
  by: string;
  expires: number;
  timeout: number;
  expect?: string;
  username?: string;
  passwordFile?: string;
  ca?: string;
  protocol: string;
}

const FINAL = new Set(['done', 'failed', 'rejected']);

/** Returns the exit code: 0 when every expected gateway answered done. */
export async function sendCommand(name: string, params: Record<string, unknown>, o: SendOptions, print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const now = Date.now();
  const command = { id: uuidv7(), name, township: o.township, target: o.target, issuedAt: new Date(now).toISOString(), expiresAt: new Date(now + o.expires * 1000).toISOString(), by: o.by, ...params };
  const envelope = signCommand(command, o.kid, readFileSync(o.key, 'utf8'));
  const client = await connectAsync(o.broker, {
    protocolVersion: o.protocol === '4' ? 4 : 5,
    username: o.username,
    password: o.passwordFile ? readFileSync(o.passwordFile, 'utf8').trim() : undefined,
    ca: o.ca ? readFileSync(o.ca) : undefined,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
  const expected = new Set(o.target === 'all' ? (o.expect?.split(',').filter(Boolean) ?? []) : [o.target]);
  const finished = new Map<string, string>();
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
        const why = reply.error ? ` ${reply.error.code}: ${reply.error.message}` : '';
        print(`${gateway}  ${reply.status}${why}`);
        if (reply.status && FINAL.has(reply.status)) finished.set(gateway, reply.status);
        if (expected.size > 0 && [...expected].every((g) => finished.has(g))) resolve();
      });
    });
    const topic = townshipTopics({ township: o.township, gateway: o.target }).command(o.target, name);
    await client.publishAsync(topic, JSON.stringify(envelope), { qos: 1 });
    print(`sent ${name} ${command.id} to ${o.target}; waiting ${o.timeout} s for replies`);
    await Promise.race([done, new Promise((r) => setTimeout(r, o.timeout * 1000))]);
  } finally {
    await client.endAsync();
  }
  const silent = [...expected].filter((g) => !finished.has(g));
  if (silent.length > 0) print(`no reply from: ${silent.join(', ')}`);
  if (finished.size === 0 && expected.size === 0) print('no gateway replied');
  const failed = [...finished.values()].some((s) => s !== 'done');
  return silent.length > 0 || failed || finished.size === 0 ? 1 : 0;
}

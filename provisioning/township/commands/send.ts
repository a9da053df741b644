/**
 * `vgw send`: the operator's side of the command path. Signs the command, publishes it, and prints the
 * reply of every gateway that answers; says which expected gateways stayed silent.
 */
import { readFileSync } from 'node:fs';
import { connectAsync } from 'mqtt';
import { v7 as uuidv7 } from 'uuid';
import { signCommand } from '../../../gateway/kernel/signing.js';
import { CONTRACT_ROOT, townshipTopics } from '../../../gateway/kernel/topics.js';
import { sanitize } from '../monitor/text-cells.js';
import { brokerAuth, type BrokerOptions } from '../../commands/broker-options.js';
import { CliError } from '../../commands/cli-error.js';

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

/** The operator's private key, or one line saying which file and what to do. */
function readKey(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read --key ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); give the private key file vgw keygen wrote`, 2, { cause: err });
  }
}

/** The signed envelope; a file that is not an operator key is one line, not a crypto stack trace. */
function sign(command: object, o: SendOptions) {
  const pem = readKey(o.key);
  try {
    return signCommand(command, o.kid, pem);
  } catch (err) {
    throw new CliError(`--key ${o.key} is not an operator private key (${(err as Error).message}); give the file vgw keygen --out wrote`, 2, { cause: err });
  }
}

/** What to change when the broker cannot be reached or refuses the login. */
function connectFix(err: Error): string {
  const text = `${err.message} ${(err as { code?: unknown }).code ?? ''}`;
  if (/Not authorized|Bad user/i.test(text)) return 'check --username and --password-file with the township broker\'s admin';
  if (/certificate|self.signed|unable to verify|CERT/i.test(text)) return "the broker's certificate is not trusted: give its CA file with --ca";
  if (/ECONNREFUSED/.test(text)) return 'nothing listens there: check the host and port of --broker';
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return 'the host name does not resolve: check --broker';
  return 'check --broker and the network route to it';
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
  const envelope = sign(command, o);
  const client = await connectAsync(o.broker, { ...brokerAuth(o), reconnectPeriod: 0, connectTimeout: 10_000 }).catch((err: unknown) => {
    throw new CliError(`cannot connect to --broker ${o.broker}: ${(err as Error).message}; ${connectFix(err as Error)}`, 1, { cause: err });
  });
  const expected = new Set(o.target === 'all' ? (o.expect?.split(',').filter(Boolean) ?? []) : [o.target]);
  /** Each answering gateway's latest status; a final one is never replaced by a late `accepted`. */
  const latest = new Map<string, string>();
  try {
    const replies = `${CONTRACT_ROOT}/${o.township}/+/replies/${command.id}`;
    // SUBACK 0x80 (3.1.1) or a reason code >= 0x80 (MQTT 5), which mqtt.js turns into an error [MQTT-3.9.3].
    const refused = (why: string) => new CliError(`the broker refused to let ${o.username ?? 'this login'} read the replies (${why}); give that user \`topic read ${CONTRACT_ROOT}/+/+/replies/#\` and \`topic write ${CONTRACT_ROOT}/+/+/cmd/#\` in the broker's ACL`);
    const granted = await client.subscribeAsync(replies, { qos: 1 }).catch((err: unknown) => {
      throw refused((err as Error).message);
    });
    if (granted.some((g) => g.qos >= 0x80)) throw refused('SUBACK 0x80');
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
    await client.publishAsync(topic, JSON.stringify(envelope), { qos: 1 }).catch((err: unknown) => {
      // MQTT 5 answers a publish the ACL refuses with PUBACK 0x87; 3.1.1 drops it silently (then: no reply).
      throw new CliError(`the broker refused the command (${(err as Error).message}); give ${o.username ?? 'this login'} \`topic write ${CONTRACT_ROOT}/+/+/cmd/#\` in the broker's ACL`, 1, { cause: err });
    });
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

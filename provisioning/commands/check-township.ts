/**
 * `vgw check`'s township checks (issue 12, item 4): connect exactly as the gateway would, publish the
 * gateway's retained `status` and read it back (the ACL allows both), and read the retained
 * `devices/+/state` the township holds for this gateway — every LAN device that ever logged in has one.
 * A running gateway's retained birth is never overwritten: then the check only reads it back.
 */
import type { TLSSocket } from 'node:tls';
import { connectAsync, type MqttClient } from 'mqtt';
import { connectHint } from '../../cloud-bridge/connect-hints.js';
import { uplinkCredentials } from '../../cloud-bridge/uplink-credentials.js';
import type { Config } from '../../gateway/config/schema.js';
import { townshipTopics } from '../../gateway/kernel/topics.js';
import { defaultModules, moduleFor } from '../../device-drivers/registry.js';
import type { MessageKey, Out } from '../i18n/i18n.js';
import { expiryLine, type CheckLine } from './check-lines.js';

/** How long retained messages may take to arrive after SUBACK. */
const RETAINED_WAIT_MS = 3000;

/** A zh/en fix for a failed connect, by what the error says (the English hint of connect-hints.ts besides). */
function fixKey(err: Error): MessageKey {
  const text = `${err.message} ${(err as { code?: string }).code ?? ''}`;
  if (/Not authorized|Bad user/i.test(text)) return 'check.uplink.fix.auth';
  if (/ECONNREFUSED/.test(text)) return 'check.uplink.fix.refused';
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return 'check.uplink.fix.dns';
  if (/CERT_HAS_EXPIRED/.test(text)) return 'check.uplink.fix.expired';
  if (/timeout|ETIMEDOUT/i.test(text)) return 'check.uplink.fix.timeout';
  return 'check.uplink.fix.other';
}

/** Retained messages on `filter`, collected until none came for a while after SUBACK. */
async function readRetained(client: MqttClient, filter: string, until: (got: Map<string, string>) => boolean): Promise<Map<string, string>> {
  const got = new Map<string, string>();
  const onMessage = (topic: string, payload: Buffer, packet: { retain?: boolean }) => {
    if (packet.retain) got.set(topic, payload.toString('utf8'));
  };
  client.on('message', onMessage);
  await client.subscribeAsync(filter, { qos: 1 });
  const deadline = Date.now() + RETAINED_WAIT_MS;
  while (Date.now() < deadline && !until(got)) await new Promise((r) => setTimeout(r, 50));
  client.off('message', onMessage);
  await client.unsubscribeAsync(filter);
  return got;
}

/** The township's verdicts: login, status written and read back, LAN devices seen. */
export async function checkTownship(config: Config, running: boolean, out: Out): Promise<CheckLine[]> {
  const { url } = config.uplink;
  const topics = townshipTopics({ township: config.gateway.township, gateway: config.gateway.id });
  out.progress('check.uplink.connecting', { url });
  let client: MqttClient;
  try {
    client = await connectAsync(url, {
      ...uplinkCredentials(config.uplink),
      // A different client id, so the check does not kick a running gateway off the township broker.
      clientId: `${config.gateway.id}-check`,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
  } catch (err) {
    const e = err as Error;
    const hint = await connectHint(e, config.uplink);
    return [{ what: 'uplink', status: 'problem', line: out.t('check.uplink.failed', { url, error: e.message }), fix: out.t(fixKey(e), { hint }) }];
  }
  const lines: CheckLine[] = [{ what: 'township broker', status: 'ok', line: out.t('check.uplink.ok', { url }) }];
  // The township's own certificate, as this connection received it: it expires on the township's side.
  const stream = (client as unknown as { stream?: Partial<TLSSocket> }).stream;
  const peer = stream?.getPeerCertificate?.();
  if (peer?.valid_to) lines.push(expiryLine('uplink.tls.server', out.t('check.cert.server', { url }), peer.valid_to, out));
  try {
    // The contract's offline status, exactly (its schema allows no other field): reason "shutdown", the
    // gateway is not running. Its ts, to the millisecond, tells this check's message from an older one.
    const mine = running ? null : JSON.stringify({ online: false, ts: new Date().toISOString(), reason: 'shutdown' });
    if (mine) await client.publishAsync(topics.status, mine, { qos: 1, retain: true });
    const matches = (got: Map<string, string>) => got.has(topics.status) && (mine === null || got.get(topics.status) === mine);
    const readBack = matches(await readRetained(client, topics.status, matches));
    lines.push(readBack ? { what: 'uplink.status', status: 'ok', line: out.t(running ? 'check.status.readRunning' : 'check.status.ok', { topic: topics.status }) } : { what: 'uplink.status', status: 'problem', line: out.t('check.status.notRead', { topic: topics.status }), fix: out.t('check.status.fix') });
    lines.push(...(await devicesSeen(config, client, topics.deviceState('+'), out)));
  } finally {
    await client.endAsync();
  }
  return lines;
}

/** One verdict per LAN device (a kind that logs in on the local broker): seen by the township, or never. */
async function devicesSeen(config: Config, client: MqttClient, filter: string, out: Out): Promise<CheckLine[]> {
  const lan = config.devices.filter((d) => moduleFor(defaultModules, d.driver)?.provides?.includes('lan-login'));
  if (lan.length === 0) return [];
  const states = await readRetained(client, filter, (got) => got.size >= lan.length);
  const byDevice = new Map([...states].map(([topic, payload]) => [topic.split('/').at(-2) as string, payload]));
  return lan.map((d) => {
    const state = byDevice.get(d.id);
    if (state === undefined) return { what: `devices.${d.id}`, status: 'problem', line: out.t('check.device.never', { id: d.id }), fix: out.t('check.device.fix', { id: d.id }) };
    let ts = '?';
    try {
      ts = String((JSON.parse(state) as { ts?: string }).ts ?? '?');
    } catch {
      // A state the township holds that is not JSON still shows the device was seen.
    }
    return { what: `devices.${d.id}`, status: 'ok', line: out.t('check.device.seen', { id: d.id, ts }) };
  });
}

/**
 * `vgw device add KIND ID key=value...` / `list` / `remove ID` (issue 12, item 2). Driven by the driver
 * modules (device-drivers/registry.ts): a kind's fields are whatever its schema takes, so a new kind
 * needs no change here. A LAN device (a kind providing `lan-login`) gets a generated password: only its
 * salted hash goes into the file; the password is printed once, with a QR code for its setup page.
 */
import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { renderUnicodeCompact } from 'uqr';
import { parse as parseYamlValue, type Document } from 'yaml';
import { defaultModules, moduleFor } from '../../device-drivers/registry.js';
import { hashPassword } from '../../device-drivers/mqtt/passwords.js';
import { GatewayError } from '../../gateway/kernel/errors.js';
import { fail, type Out } from '../i18n/i18n.js';
import { listAt, readConfigDoc, saveConfigDoc, validateDoc } from './config-doc.js';

/** `key=value` arguments as device fields; values are YAML (`17`, `true`, `[a, b]`, `{ relay: amp }`). */
function fieldsOf(pairs: readonly string[], out: Out): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 1) throw fail(out, 'device.badPair', { pair }, 2);
    const key = pair.slice(0, at);
    if (key === 'passwordHash' || key === 'password') throw fail(out, 'device.noPasswordField', { key }, 2);
    fields[key] = parseYamlValue(pair.slice(at + 1)) as unknown;
  }
  return fields;
}

/** An IPv4 address of this box on the LAN, for the device's server setting. */
function lanAddress(): string {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

const strongPassword = (): string => randomBytes(18).toString('base64url');

/** Adds device `id` of `kind` to the config `file`. */
export async function deviceAdd(file: string, kind: string, id: string, pairs: readonly string[], o: { host?: string; qr?: boolean }, out: Out): Promise<void> {
  const module = moduleFor(defaultModules, kind);
  if (!module) throw fail(out, 'device.unknownKind', { kind, kinds: defaultModules.map((m) => m.kind).join(', ') }, 2);
  const doc = readConfigDoc(file);
  const devices = listAt(doc, 'devices');
  if ((doc.toJS() as { devices?: { id?: string }[] }).devices?.some((d) => d.id === id)) throw fail(out, 'device.exists', { id }, 2);
  const lan = module.provides?.includes('lan-login') ?? false;
  const password = lan ? strongPassword() : null;
  const device = { id, driver: kind, ...fieldsOf(pairs, out), ...(password ? { passwordHash: await hashPassword(password) } : {}) };
  devices.add(doc.createNode(device));
  const config = validateWithZone(doc, file, device, out);
  saveConfigDoc(doc, file);
  out.line('device.added', { id, kind, file, n: config.devices.length });
  if (!password) return;
  const host = o.host ?? lanAddress();
  const port = config.localBroker.port;
  out.line('device.credentials', { id });
  out.line('device.credential.server', { host, port });
  out.line('device.credential.username', { id });
  out.line('device.credential.password', { password });
  const login = `mqtt://${encodeURIComponent(id)}:${encodeURIComponent(password)}@${host}:${port}`;
  if (o.qr !== false) out.raw(renderUnicodeCompact(login));
  out.line('device.credentials.once');
}

/** Validates; when only the device's zone is missing from `zones`, adds it and says so. */
function validateWithZone(doc: Document, file: string, device: Record<string, unknown>, out: Out) {
  try {
    return validateDoc(doc, file);
  } catch (err) {
    const zone = device.zone;
    const zones = (doc.toJS() as { zones?: { name?: string }[] }).zones ?? [];
    if (!(err instanceof GatewayError) || typeof zone !== 'string' || zones.some((z) => z.name === zone)) throw err;
    listAt(doc, 'zones').add(doc.createNode({ name: zone }, { flow: true }));
    const config = validateDoc(doc, file);
    out.line('device.zoneAdded', { zone });
    return config;
  }
}

/** Where a device is: its pin, zone and location (what the installer wired and where). */
export function whereOf(d: Record<string, unknown>): string {
  return ['pin', 'zone', 'location', 'via', 'pcm'].filter((k) => d[k] !== undefined).map((k) => `${k} ${String(d[k])}`).join(', ');
}

/** Prints the config's devices, one line each (never their password hashes). */
export function deviceList(file: string, out: Out): void {
  const config = validateDoc(readConfigDoc(file), file);
  if (config.devices.length === 0) out.line('device.none', { file });
  for (const d of config.devices) out.line('device.row', { id: d.id, kind: d.driver, where: whereOf(d as unknown as Record<string, unknown>) || '-' });
}

/** Removes device `id` from the config `file` (refused when something still names it, e.g. a reaction). */
export function deviceRemove(file: string, id: string, out: Out): void {
  const doc = readConfigDoc(file);
  const devices = listAt(doc, 'devices');
  const index = ((doc.toJS() as { devices?: { id?: string }[] }).devices ?? []).findIndex((d) => d.id === id);
  if (index < 0) throw fail(out, 'device.notFound', { id, file }, 2);
  devices.delete(index);
  validateDoc(doc, file);
  saveConfigDoc(doc, file);
  out.line('device.removed', { id, file });
}

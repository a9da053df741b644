/** Issue 15: the README's OPC UA config example is a valid config, and what it says is what the schema does. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../gateway/config/load.js';
import { configRefusal } from '../support/config-refusal.js';
import { ROOT } from '../support/vgw-cli.js';

const base = { gateway: { id: '370283104-readme-01', township: '370283104', dataDir: '/var/lib/vgw' }, uplink: { url: 'mqtts://township.example:8883' }, zones: [{ name: 'river-bank' }] };

function readmeExample(): Record<string, unknown> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## OPC UA equipment'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  if (!yaml) throw new Error('no yaml block in the README OPC UA section');
  return parse(yaml) as Record<string, unknown>;
}

const errorOf = (raw: unknown): string => configRefusal(raw).message;

describe("the README's OPC UA config", () => {
  it('parses, with the severities the rules give and the server off unless enabled', () => {
    const config = parseConfig({ ...base, ...readmeExample() }, 'README.md');
    const device = config.devices[0] as unknown as { severity: { types: Record<string, string> } };
    expect(device.severity.types).toMatchObject({ 'water.level.high': 'major', 'water.level.normal': 'info', 'fire.alarm': 'critical', 'device.fault': 'major' });
    expect(config.opcuaServer).toMatchObject({ enabled: true, port: 4840, acceptUnknownClients: false });
    expect(parseConfig(base, 'vgw.yaml').opcuaServer.enabled).toBe(false);
  });

  it('bad OPC UA config names the key and the fix', () => {
    const example = readmeExample() as { devices: Record<string, unknown>[]; opcuaServer: Record<string, unknown> };
    const device = example.devices[0]!;
    expect(errorOf({ ...base, devices: [{ ...device, passwordFile: undefined }] })).toMatch(/devices\[0\].*passwordFile.*user "operator" needs passwordFile/);
    expect(errorOf({ ...base, devices: [{ ...device, security: { mode: 'None', policy: 'Basic256Sha256' } }] })).toMatch(/security\.policy.*mode None goes with policy None/);
    expect(errorOf({ ...base, devices: [{ ...device, endpoint: 'http://192.168.1.50' }] })).toMatch(/endpoint.*an OPC UA URL like "opc\.tcp:\/\/192\.168\.1\.50:4840"/);
    expect(errorOf({ ...base, devices: [{ ...device, items: [{ name: 'x', nodeId: 'ns=2;s=X', browsePath: '/2:X' }] }] })).toMatch(/give exactly one of `nodeId` or `browsePath`/);
    expect(errorOf({ ...base, opcuaServer: { ...example.opcuaServer, security: [{ mode: 'None', policy: 'None' }] } })).toMatch(/opcuaServer\.security\[0\]\.mode.*secure endpoints only/);
    expect(errorOf({ ...base, opcuaServer: { enabled: true } })).toMatch(/opcuaServer\.users.*has no users; add one with a passwordHash from `vgw passwd`/);
  });
});

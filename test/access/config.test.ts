/**
 * Issue 10: access and reader config mistakes name the key and the fix; the access secret is made
 * once with mode 0600 and a damaged one stops the start with what to do.
 */
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../gateway/config/load.js';
import { accessConfig, modules, startAccessGateway } from './support/access-gateway.js';

const base = async (over: Record<string, unknown> = {}) => ({ ...(await accessConfig({ dataDir: mkdtempSync(join(tmpdir(), 'vgw-acfg-')), gatewayId: '370283104-cfg-01' })), ...over });

describe('access config', () => {
  it('refuses a reader naming a device that is not a door, and anti-passback on a non-door, listing the doors', async () => {
    const cfg = await base({ access: { antiPassback: ['east-gat'] } });
    const devices = cfg.devices as Record<string, unknown>[];
    devices.push({ ...(devices.at(-1) as object), id: 'reader-2', door: 'reader-east' });
    expect(() => parseConfig(cfg, 'test config', modules)).toThrow(/access\.antiPassback\[0\] is "east-gat": access\.antiPassback names "east-gat", which is not a door device; doors: east-gate, west-gate/);
    expect(() => parseConfig(cfg, 'test config', modules)).toThrow(/devices\[3\] \(id "reader-2"\)\.door is "reader-east": reader "reader-2" names "reader-east", which is not a door device/);
  });

  it('bounds retention, record count and face threshold', async () => {
    const cfg = await base({ access: { retentionDays: 0, maxRecords: 10 } });
    expect(() => parseConfig(cfg, 'test config', modules)).toThrow(/access\.retentionDays/);
    expect(() => parseConfig(cfg, 'test config', modules)).toThrow(/access\.maxRecords/);
    const face = await base();
    (face.devices as Record<string, unknown>[]).at(-1)!.faceThreshold = 1.5;
    expect(() => parseConfig(face, 'test config', modules)).toThrow(/faceThreshold/);
  });

  it('writes the secret once, mode 0600, and refuses a damaged one naming the file and the fix', async () => {
    const a = await startAccessGateway();
    const file = join(a.dataDir, 'access-secret');
    await a.gateway.stop();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    chmodSync(file, 0o644);
    const again = await startAccessGateway({ dataDir: a.dataDir });
    await again.gateway.stop();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, 'not-a-secret\n');
    await expect(startAccessGateway({ dataDir: a.dataDir })).rejects.toThrow(/access\.secretFile .*access-secret does not hold a 64-hex-digit secret; restore it from a backup, or delete it/);
  });
});

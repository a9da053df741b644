/**
 * The README's camera section as written: its config example is a valid config (with the zone it
 * names), and its probe command line, pointed at the fake camera instead of 192.168.1.64, works.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { FakeCamera } from '../../device-drivers/camera/fake-camera.js';
import { parseConfig } from '../../gateway/config/load.js';
import { ROOT, vgw } from '../support/vgw-cli.js';
import { fakeCamera, passwordFile } from './support.js';

const readme = readFileSync(`${ROOT}README.md`, 'utf8');
// The section, up to the next one (whatever follows it).
const start = readme.indexOf('## Cameras');
const section = readme.slice(start, readme.indexOf('\n## ', start + 1));

describe('README: cameras', () => {
  let cam: FakeCamera;
  beforeAll(async () => {
    cam = await fakeCamera();
  });
  afterAll(async () => {
    await cam?.stop();
  });

  it('the config example validates, with the defaults the text names', () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const { devices } = parse(yaml) as { devices: unknown[] };
    const config = parseConfig({ gateway: { id: '370283104-readme-01', township: '370283104', dataDir: '/tmp/vgw-readme' }, uplink: { url: 'mqtt://127.0.0.1:1883', username: '370283104-readme-01' }, zones: [{ name: 'market' }], devices }, 'README example');
    const cam0 = config.devices[0] as unknown as Record<string, any>;
    expect(cam0).toMatchObject({ driver: 'camera', snapshot: { timeoutMs: 5000, maxBytes: 2 * 1024 * 1024 }, health: { intervalSec: 30, offlineAfter: 2, driftMaxSec: 30 }, hygiene: { cooldownSec: 60, mergeSec: 0 } });
    expect(cam0.severity.types).toMatchObject({ 'camera.motion': 'major', 'camera.tamper': 'critical', 'device.offline': 'major' });
  });

  it('the probe command, as written, against the fake camera', async () => {
    const line = /^npm run vgw -- (camera probe .*)$/m.exec(section)?.[1] ?? '';
    expect(line).toBe('camera probe http://192.168.1.64 --user admin --password-file /etc/vgw/cam-market.pw');
    const args = line.split(' ').map((a) => (a === 'http://192.168.1.64' ? cam.url : a === '/etc/vgw/cam-market.pw' ? passwordFile(cam.o.password) : a));
    const r = await vgw(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/snapshot +ok: \d+ bytes, 320x240 JPEG/);
  });
});

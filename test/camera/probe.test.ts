/**
 * `vgw camera probe URL --user U --password-file F` as an installer runs it (a real CLI process)
 * against the fake camera: every finding on its own line (reachable, clock drift, login, services,
 * event topics, snapshot size and resolution), and one clear line with the fix for a wrong password,
 * an unreachable address, a missing password file, or a camera without ONVIF.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeCamera } from '../../device-drivers/camera/fake-camera.js';
import { freePort } from '../support/ports.js';
import { STACK_LINE, vgw } from '../support/vgw-cli.js';
import { fakeCamera, passwordFile } from './support.js';

describe('vgw camera probe', () => {
  let cam: FakeCamera;
  let pw: string;
  beforeAll(async () => {
    cam = await fakeCamera({ driftMs: 75_000, algorithm: 'SHA-256' });
    pw = passwordFile(cam.o.password);
  });
  afterAll(async () => {
    await cam?.stop();
  });

  it('a good camera: reachable, clock drift, login, services, topics, a 320x240 snapshot; exit 0', async () => {
    const r = await vgw(['camera', 'probe', cam.url, '--user', 'admin', '--password-file', pw]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/reachable +ok/);
    expect(r.stdout).toMatch(/clock +\+7[45]\.\d s against this box — over 30 s: set NTP/);
    expect(r.stdout).toMatch(/auth +ok \(user admin, WS-Security digest\)/);
    expect(r.stdout).toMatch(/services +device, media, events \(3\)/);
    expect(r.stdout).toContain('tns1:RuleEngine/CellMotionDetector/Motion');
    expect(r.stdout).toMatch(new RegExp(`snapshot +ok: ${cam.jpeg.length} bytes, 320x240 JPEG in \\d+ ms \\(ONVIF GetSnapshotUri, digest SHA-256\\)`));
    expect(r.stdout).toMatch(/camera usable/);
    expect(r.stdout).not.toContain(cam.o.password);
  });

  it('a wrong password: REFUSED with the fix, exit 1', async () => {
    const r = await vgw(['camera', 'probe', cam.url, '--user', 'admin', '--password-file', passwordFile('wrong-password')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/auth +REFUSED: the camera refused user "admin"; check --user and the password file/);
    expect(r.stdout).toMatch(/camera NOT usable/);
  });

  it('an address where nothing answers, and a missing password file: one line each, no stack trace', async () => {
    const down = await vgw(['camera', 'probe', `http://127.0.0.1:${await freePort()}`, '--user', 'admin', '--password-file', pw]);
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/reachable +FAILED \(unreachable: .*ECONNREFUSED\): check the address, the cable/);
    const nofile = await vgw(['camera', 'probe', cam.url, '--user', 'admin', '--password-file', '/nonexistent/cam.pw']);
    expect(nofile.code).toBe(2);
    expect(nofile.stderr.trim()).toBe('vgw: --password-file "/nonexistent/cam.pw" cannot be read (ENOENT); put the camera\'s password there, readable by the gateway\'s user');
    expect(nofile.stderr).not.toMatch(STACK_LINE);
    const bad = await vgw(['camera', 'probe', 'rtsp://10.0.0.5/stream']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not an http:\/\/ address/);
  });

  it('a camera without ONVIF: says so, and a --snapshot-url still proves the snapshot', async () => {
    const r = await vgw(['camera', 'probe', cam.url, '--user', 'admin', '--password-file', pw, '--onvif-path', '/no-onvif', '--snapshot-url', '/ISAPI/Streaming/channels/101/picture']);
    expect(r.stdout).toMatch(/onvif +not answering at \/no-onvif/);
    expect(r.stdout).toMatch(/snapshot +ok: \d+ bytes, 320x240 JPEG .*--snapshot-url, digest SHA-256/);
  });
});

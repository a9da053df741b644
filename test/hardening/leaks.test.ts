/**
 * Issue 8, finding 14a and 14d: a notice's audio URL may not reach loopback, link-local, unspecified
 * or the box's own addresses (also by DNS name or by redirect) unless configured, and a failed
 * download never quotes the sha256 of what was fetched; a world-readable database or password file is
 * named at start with its fix.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../cloud-bridge/db.js';
import { DownloadError, Downloader } from '../../gateway/broadcast/download.js';
import { localAddressReason } from '../../gateway/broadcast/url-guard.js';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { startFixture } from '../support/gateway-fixture.js';

const SECRET_PAGE = Buffer.from('{"internal":"admin console of the box","token":"s3cr3t"}');
const secretSha = createHash('sha256').update(SECRET_PAGE).digest('hex');
const quiet = pino({ level: 'silent' });

describe('audio URL targets (finding 14a)', () => {
  let internal: Server;
  let front: Server;
  let internalPort = 0;
  let frontPort = 0;
  let internalHits = 0;

  beforeAll(async () => {
    // An "internal service" on loopback, and a front server that redirects to it.
    internal = createServer((_req, res) => {
      internalHits++;
      res.end(SECRET_PAGE);
    });
    front = createServer((req, res) => res.writeHead(302, { location: `http://127.0.0.1:${internalPort}${req.url ?? '/'}` }).end());
    await new Promise<void>((r) => internal.listen(0, '127.0.0.1', () => r()));
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
    internalPort = (internal.address() as AddressInfo).port;
    frontPort = (front.address() as AddressInfo).port;
  });
  afterAll(() => {
    internal.closeAllConnections();
    internal.close();
    front.closeAllConnections();
    front.close();
  });

  const downloader = (limits: { allowLocal?: boolean; localHosts?: string[] } = {}) => new Downloader(mkdtempSync(join(tmpdir(), 'vgw-leak-')), { timeoutMs: 5000, maxBytes: 1 << 20, ...limits }, quiet);
  const failure = (d: Downloader, url: string) => d.fetch(url, '00'.repeat(32)).then(() => { throw new Error('downloaded'); }, (err: unknown) => err as DownloadError);

  it.each([
    ['127.0.0.1', () => `http://127.0.0.1:${internalPort}/admin`],
    ['localhost (by DNS)', () => `http://localhost:${internalPort}/admin`],
    ['[::1]', () => `http://[::1]:${internalPort}/admin`],
    ['an IPv4-mapped loopback', () => `http://[::ffff:127.0.0.1]:${internalPort}/admin`],
    ['0.0.0.0', () => `http://0.0.0.0:${internalPort}/admin`],
    ['the metadata address 169.254.169.254', () => 'http://169.254.169.254/latest/meta-data/'],
  ])('refuses %s without connecting', async (_what, url) => {
    const before = internalHits;
    const err = await failure(downloader(), url());
    expect(err).toMatchObject({ code: 'download-refused', message: expect.stringMatching(/is refused: .*(loopback|unspecified|link-local).*broadcast\.allowLocalUrls/) });
    expect(internalHits).toBe(before);
  });

  it("refuses the box's own LAN addresses", () => {
    const own = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4');
    if (own) expect(localAddressReason(own.address)).toBe("one of this box's own addresses");
    expect(localAddressReason('fe80::1')).toBe('link-local');
    expect(localAddressReason('203.0.113.7')).toBeNull();
  });

  it('refuses a redirect from an allowed host to another loopback port, and never quotes the sha256 of a fetched body', async () => {
    const before = internalHits;
    const redirected = await failure(downloader({ localHosts: [`127.0.0.1:${frontPort}`] }), `http://127.0.0.1:${frontPort}/admin`);
    expect(redirected).toMatchObject({ code: 'download-refused', message: expect.stringContaining(`redirected to http://127.0.0.1:${internalPort}/admin`) });
    expect(internalHits).toBe(before);
    // Allowed explicitly, the page is fetched, fails the checksum, and the reply does not describe it.
    const allowed = await failure(downloader({ allowLocal: true }), `http://127.0.0.1:${internalPort}/admin`);
    expect(allowed.code).toBe('download-checksum');
    expect(allowed.message).not.toContain(secretSha);
    expect(allowed.message).not.toMatch(/[0-9a-f]{64}(?<!0{64})/);
  });
});

describe('file modes at start (finding 14d)', () => {
  it('warns about a database and a password file that group or others can read, naming the fix', async () => {
    const township = new EmbeddedBroker();
    await township.start();
    const dataDir = mkdtempSync(join(tmpdir(), 'vgw-mode-'));
    const passwordFile = join(dataDir, 'uplink.pass');
    writeFileSync(passwordFile, 'township-secret\n', { mode: 0o644 });
    chmodSync(passwordFile, 0o644);
    let fx = await startFixture({ uplinkUrl: township.url, dataDir, uplink: { protocolVersion: 4, passwordFile } });
    await fx.gateway.stop();
    chmodSync(join(dataDir, DB_FILE), 0o644);
    fx = await startFixture({ uplinkUrl: township.url, dataDir, uplink: { protocolVersion: 4, passwordFile } });
    const warned = fx.logs.lines.filter((l) => l.msg === 'file readable by group or others');
    expect(warned.map((l) => [l.file, l.fix])).toEqual([
      [join(dataDir, DB_FILE), `chmod 600 ${join(dataDir, DB_FILE)}`],
      [passwordFile, `chmod 600 ${passwordFile}`],
    ]);
    expect(JSON.stringify(fx.logs.lines)).not.toContain('township-secret');
    await fx.gateway.stop();
    chmodSync(join(dataDir, DB_FILE), 0o600);
    chmodSync(passwordFile, 0o600);
    fx = await startFixture({ uplinkUrl: township.url, dataDir, uplink: { protocolVersion: 4, passwordFile } });
    expect(fx.logs.lines.filter((l) => l.msg === 'file readable by group or others')).toEqual([]);
    await fx.gateway.stop();
    await township.stop();
  });
});

/**
 * A throwaway CA and a server certificate for 127.0.0.1, made with the openssl CLI. `names` sets the
 * certificate's subjectAltName; `days: -1` makes one that has already expired.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function makeCerts(o: { names?: string; days?: number } = {}): { dir: string; ca: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vgw-certs-'));
  const p = (f: string) => join(dir, f);
  const run = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2', '-subj', '/CN=vgw test township CA');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(p('ext.cnf'), `subjectAltName=${o.names ?? 'IP:127.0.0.1,DNS:localhost'}\n`);
  run('x509', '-req', '-in', p('server.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p('server.pem'), '-days', String(o.days ?? 2), '-extfile', p('ext.cnf'));
  return { dir, ca: p('ca.pem'), cert: p('server.pem'), key: p('server.key') };
}

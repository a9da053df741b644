/**
 * The child's certificate stores, under the gateway's data dir (issue 15): node-opcua's default is
 * `~/.config/node-opcua-default-nodejs` (env-paths in node-opcua-certificate-manager), which a
 * read-only root filesystem or a service user without a home does not have (research C.3).
 * The application certificate is created there on first use.
 */
import { join } from 'node:path';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';

/** `{pki}/client`, `{pki}/server`, `{pki}/users`; each initialised once per child. */
export async function certificateManager(pkiDir: string, part: 'client' | 'server' | 'users', acceptUnknown: boolean): Promise<OPCUACertificateManager> {
  const manager = new OPCUACertificateManager({ rootFolder: join(pkiDir, part), automaticallyAcceptUnknownCertificate: acceptUnknown });
  await manager.initialize();
  return manager;
}

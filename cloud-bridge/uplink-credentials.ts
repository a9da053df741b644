/**
 * The township login as the config gives it: username, the password read from its file, TLS material.
 * Read again at every connect (a fixed password file takes effect without a restart); shared by the
 * uplink and `vgw check`, so the check connects exactly as the gateway would.
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../gateway/config/schema.js';

export function uplinkCredentials(config: Config['uplink']) {
  const tls = config.tls;
  return {
    username: config.username,
    password: config.passwordFile ? readFileSync(config.passwordFile, 'utf8').trim() : undefined,
    protocolVersion: config.protocolVersion,
    ca: tls?.ca ? readFileSync(tls.ca) : undefined,
    cert: tls?.cert ? readFileSync(tls.cert) : undefined,
    key: tls?.key ? readFileSync(tls.key) : undefined,
    rejectUnauthorized: true,
  };
}

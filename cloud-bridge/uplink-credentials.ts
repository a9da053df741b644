/**
 * The township login as the config gives it: username, the password read from its file, TLS material.
 * Read again at every connect (a fixed password file takes effect without a restart); shared by the
 * uplink and `vgw check`, so the check connects exactly as the gateway would.
 */
import { readFileSync } from 'node:fs';
import type { UplinkConfig } from './config.js';
import { GatewayError } from '../gateway/kernel/errors.js';

/**
 * A file the config names, read or refused with the key, the path and the fix — not a bare ENOENT
 * (issue 8, finding 24). The file's contents are never part of the message.
 */
function readNamed(key: string, file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new GatewayError('VGW_CONFIG_INVALID', `${key} is "${file}", which cannot be read (${code}); put ${what} there, readable by the gateway's user, or correct ${key}`, false, { cause: err });
  }
}

export function uplinkCredentials(config: UplinkConfig) {
  const tls = config.tls;
  return {
    username: config.username,
    password: config.passwordFile ? readNamed('uplink.passwordFile', config.passwordFile, 'the township password').toString('utf8').trim() : undefined,
    protocolVersion: config.protocolVersion,
    ca: tls?.ca ? readNamed('uplink.tls.ca', tls.ca, "the township's CA certificate") : undefined,
    cert: tls?.cert ? readNamed('uplink.tls.cert', tls.cert, "this gateway's client certificate") : undefined,
    key: tls?.key ? readNamed('uplink.tls.key', tls.key, "this gateway's client key") : undefined,
    rejectUnauthorized: true,
  };
}

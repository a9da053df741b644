/** What went wrong with an OPC UA connection, for people: who, what the server said, and the fix. */
import type { SecuritySpec } from '../ipc.js';

/** What a connection was for, and where its settings are fixed (config keys for a device, flags for the CLI). */
export interface Target {
  /** `device "pump-station" (opc.tcp://…)`. */
  where: string;
  endpoint: string;
  security: SecuritySpec;
  user?: string | undefined;
  keys: { endpoint: string; user: string; password: string; security: string };
}

/** The keys of a device's config, for `Target.keys`. */
export const DEVICE_KEYS = { endpoint: 'devices[].endpoint', user: 'devices[].user', password: 'the password in its passwordFile', security: 'devices[].security' };

/** One line naming the target, the cause and the fix for a failed connect or login. */
export function explain(t: Target, err: unknown, pkiDir: string): string {
  const text = err instanceof Error ? err.message : String(err);
  const { where, keys } = t;
  if (/ECONNREFUSED/.test(text)) return `${where}: connection refused; check ${keys.endpoint} (host and port) and that the OPC UA server is running`;
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return `${where}: host name not found; check the host in ${keys.endpoint}`;
  if (/ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|timeout/i.test(text)) return `${where}: no answer (${text.slice(0, 120)}); check the network path and ${keys.endpoint}`;
  if (/BadUserAccessDenied|BadIdentityToken|user token policy/i.test(text)) {
    return t.user
      ? `${where}: the server refused the login of user "${t.user}" (${text.slice(0, 80)}); check ${keys.user} and ${keys.password}`
      : `${where}: the server refused an anonymous session (${text.slice(0, 80)}); give ${keys.user} and ${keys.password}`;
  }
  if (/Certificate|BadSecurityChecksFailed|BadNonceInvalid/i.test(text)) {
    return `${where}: the secure channel was refused (${text.slice(0, 80)}): the server does not trust the gateway's certificate; on the server, trust ${pkiDir}/client/own/certs/client_certificate.pem (move it from its rejected list)`;
  }
  if (/endpoint|BadSecurityPolicyRejected|BadSecurityModeRejected/i.test(text)) {
    return `${where}: the server offers no endpoint with security ${t.security.mode}/${t.security.policy} (${text.slice(0, 80)}); see what it offers with \`vgw opcua browse ${t.endpoint}\` and set ${keys.security}`;
  }
  return `${where}: ${text.slice(0, 200)}`;
}

/** A monitored item that could not be created: which item, which node, the fix. */
export function explainItem(device: string, item: string, node: string, status: string): string {
  return `device "${device}": item "${item}" (${node}) cannot be monitored: ${status}; find the right NodeId with \`vgw opcua browse\` and fix its devices[].items entry`;
}

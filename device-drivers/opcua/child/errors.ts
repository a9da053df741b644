/** What went wrong with an OPC UA connection, for people: the device, what the server said, the fix. */
import type { MountSpec } from '../ipc.js';

/** One line naming the device, the cause and the fix for a failed connect, login or subscription. */
export function explain(spec: MountSpec, err: unknown, pkiDir: string): string {
  const text = err instanceof Error ? err.message : String(err);
  const where = `device "${spec.device}" (${spec.endpoint})`;
  if (/ECONNREFUSED/.test(text)) return `${where}: connection refused; check devices[].endpoint (host and port) and that the OPC UA server is running`;
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return `${where}: host name not found; check the host in devices[].endpoint`;
  if (/ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|timeout/i.test(text)) return `${where}: no answer (${text.slice(0, 120)}); check the network path and devices[].endpoint`;
  if (/BadUserAccessDenied|BadIdentityToken/.test(text)) {
    return spec.user
      ? `${where}: the server refused the login of user "${spec.user.name}" (${text.slice(0, 80)}); check devices[].user and the password in its passwordFile`
      : `${where}: the server refused an anonymous session (${text.slice(0, 80)}); set devices[].user and passwordFile`;
  }
  if (/Certificate|BadSecurityChecksFailed|BadNonceInvalid/i.test(text)) {
    return `${where}: the secure channel was refused (${text.slice(0, 80)}): the server does not trust the gateway's certificate; on the server, trust ${pkiDir}/client/own/certs/client_certificate.pem (move it from its rejected list)`;
  }
  if (/endpoint|BadSecurityPolicyRejected|BadSecurityModeRejected/i.test(text)) {
    return `${where}: the server offers no endpoint with security ${spec.security.mode}/${spec.security.policy} (${text.slice(0, 80)}); see what it offers with \`vgw opcua browse ${spec.endpoint}\` and set devices[].security`;
  }
  return `${where}: ${text.slice(0, 200)}`;
}

/** A monitored item that could not be created: which item, which node, the fix. */
export function explainItem(device: string, item: string, node: string, status: string): string {
  return `device "${device}": item "${item}" (${node}) cannot be monitored: ${status}; find the right NodeId with \`vgw opcua browse\` and fix its devices[].items entry`;
}

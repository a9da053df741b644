/** Our security names to node-opcua's enums (OPC 10000-4 §7.20, OPC 10000-7 security policies). */
import { MessageSecurityMode, SecurityPolicy } from 'node-opcua-client';
import type { SecuritySpec } from '../ipc.js';

export function securityMode(s: SecuritySpec): MessageSecurityMode {
  return MessageSecurityMode[s.mode];
}

export function securityPolicy(s: SecuritySpec): SecurityPolicy {
  return SecurityPolicy[s.policy];
}

/** Severity ↔ drain priority (contract: backlog drains in severity order, then seq). */
import type { DeviceConfig, Severity } from './config/schema.js';

export const PRIO_BY_SEVERITY: Record<Severity, number> = { critical: 0, major: 1, minor: 2, info: 3 };
export const SEVERITY_BY_PRIO: readonly Severity[] = ['critical', 'major', 'minor', 'info'];

export interface SeverityMap {
  default?: Severity | undefined;
  types: Record<string, Severity>;
}

/** Device map first, then the gateway's, then the device default, the gateway default, `info`. */
export function severityOf(type: string, device: Pick<DeviceConfig, 'severity'> | undefined, global: SeverityMap): Severity {
  return device?.severity?.types[type] ?? global.types[type] ?? device?.severity?.default ?? global.default ?? 'info';
}

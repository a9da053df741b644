/** Per-device severity defaults of the GPIO drivers, below whatever the installer wrote for the device. */
import type { Severity } from '../../gateway/kernel/severity.js';

export interface DeviceSeverity {
  default?: Severity | undefined;
  types: Record<string, Severity>;
}

/** `defaults` fill the types the device's own map leaves out; the device's `default` stays as written. */
export function withSeverityDefaults(own: DeviceSeverity | undefined, defaults: Record<string, Severity>): DeviceSeverity {
  return { ...(own?.default ? { default: own.default } : {}), types: { ...defaults, ...own?.types } };
}

/** The severity the pipeline gives an event from the configured type → severity maps. */
import type { Severity } from './kernel/severity.js';

export interface SeverityMap {
  default?: Severity | undefined;
  types: Record<string, Severity>;
}

/** Device map first, then the gateway's, then the device default, the gateway default, `info`. */
export function severityOf(type: string, device: { severity?: SeverityMap | undefined } | undefined, global: SeverityMap): Severity {
  return device?.severity?.types[type] ?? global.types[type] ?? device?.severity?.default ?? global.default ?? 'info';
}

/** The contract's severities and their drain order (contract: the backlog drains by severity, then seq). */

/** Most urgent first. */
export const SEVERITIES = ['critical', 'major', 'minor', 'info'] as const;
/** How urgent an event is. */
export type Severity = (typeof SEVERITIES)[number];

/** 0 = critical … 3 = info: the outbox's drain priority. */
export const PRIO_BY_SEVERITY: Record<Severity, number> = { critical: 0, major: 1, minor: 2, info: 3 };
/** The severity of each drain priority. */
export const SEVERITY_BY_PRIO: readonly Severity[] = SEVERITIES;

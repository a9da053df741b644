/**
 * What one item's new value means (issue 15): status not Good → `device.fault` (once per episode);
 * a boolean rule or a threshold with hysteresis → its event and its restore; a numeric change within
 * the deadband → nothing mirrored. Judged against the item's last committed memory, so a value re-read
 * after a reconnect or a child restart yields an event only where it differs from what was committed.
 */
import type { OpcuaItemConfig } from './config.js';

/** A scalar as the child reports it. */
export type Scalar = boolean | number | string | null;

/** What the driver keeps of an item in its storage, after the events it caused were committed. */
export interface ItemMemory {
  /** The value last mirrored to the device's state. */
  value?: Scalar | undefined;
  /** Whether the item's rule is raised. */
  active?: boolean | undefined;
  /** Whether its last status was Good (false: a fault was reported). */
  good?: boolean | undefined;
}

/** An event the value causes. */
export interface RuleEvent {
  type: string;
  data: Record<string, unknown>;
}

export interface Judgement {
  events: RuleEvent[];
  memory: ItemMemory;
  /** The mirrored value changed (beyond the deadband). */
  mirrored: boolean;
}

/** The rule's raised state for `value`, given whether it was raised before (hysteresis). */
function raised(item: OpcuaItemConfig, value: Scalar, before: boolean): boolean | undefined {
  if (item.alarm) {
    if (typeof value === 'boolean') return value === item.alarm.when;
    if (typeof value === 'number') return (value !== 0) === item.alarm.when;
    return undefined;
  }
  const t = item.threshold;
  if (!t || typeof value !== 'number' || Number.isNaN(value)) return undefined;
  if (t.above !== undefined) return before ? value > t.above - t.hysteresis : value >= t.above;
  const below = t.below as number;
  return before ? value < below + t.hysteresis : value <= below;
}

function beyondDeadband(item: OpcuaItemConfig, before: Scalar | undefined, value: Scalar): boolean {
  if (before === undefined) return true;
  if (typeof before === 'number' && typeof value === 'number') return before !== value && Math.abs(value - before) >= item.deadband;
  return before !== value;
}

/** Judges `value` with `status` against the item's memory `prev`. */
export function judge(item: OpcuaItemConfig, prev: ItemMemory, value: Scalar, status: string): Judgement {
  const events: RuleEvent[] = [];
  if (!status.startsWith('Good')) {
    // One fault per episode: a server repeating a bad status does not flood (OPC 10000-4 §7.39 StatusCode).
    if (prev.good !== false) events.push({ type: 'device.fault', data: { fault: 'opcua-status', item: item.name, status } });
    return { events, memory: { ...prev, good: false }, mirrored: false };
  }
  if (prev.good === false) events.push({ type: 'device.fault.cleared', data: { fault: 'opcua-status', item: item.name } });
  const before = prev.active ?? false;
  const now = raised(item, value, before);
  const rule = item.alarm ?? item.threshold;
  if (rule && now !== undefined && now !== before) {
    const limit = item.threshold ? { limit: item.threshold.above ?? item.threshold.below, hysteresis: item.threshold.hysteresis } : {};
    events.push({ type: now ? rule.type : rule.restoreType, data: { item: item.name, value, ...limit } });
  }
  const mirrored = beyondDeadband(item, prev.value, value);
  return { events, memory: { value: mirrored ? value : prev.value, active: now ?? prev.active, good: true }, mirrored };
}

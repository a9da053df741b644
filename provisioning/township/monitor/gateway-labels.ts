/**
 * Gateway ids in a narrow column (issue 8, finding 25). Every id of a township starts with its code
 * (`370283104-xiejiayu-01`), so cutting the end left `370283104-x…` on every row of an 80-column
 * console. When the ids do not fit, the prefix they all share is dropped (the header says which), and
 * an id still too long keeps its end: `…xiejiayu-01`.
 */
import { displayWidth, fitEnd } from './text-cells.js';

export interface GatewayLabels {
  /** The prefix left out of every label ('' when the ids are shown whole). */
  prefix: string;
  /** An id as its cell shows it, exactly `width` columns. */
  label(id: string): string;
}

/** The shared first segment of the ids, up to and including its "-" (the township code). */
function sharedSegment(ids: readonly string[]): string {
  const first = ids[0] ?? '';
  const dash = first.indexOf('-');
  if (dash < 1) return '';
  const segment = first.slice(0, dash + 1);
  return ids.every((id) => id.startsWith(segment) && id.length > segment.length) ? segment : '';
}

export function gatewayLabels(ids: readonly string[], width: number): GatewayLabels {
  const fits = ids.every((id) => displayWidth(id) <= width);
  const prefix = fits ? '' : sharedSegment(ids);
  return { prefix, label: (id) => fitEnd(prefix && id.startsWith(prefix) ? id.slice(prefix.length) : id, width) };
}

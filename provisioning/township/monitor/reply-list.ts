/**
 * Command replies seen on the feed (`replies/{id}`), for the console's replies view: one row per
 * command and gateway, showing its latest status (`accepted` is followed by `done` or `failed`).
 * `vgw send` prints them for the operator who sent the command; this shows them to every desk.
 */
import type { ReplyPayload } from './uplink-message.js';

/** One command's answer from one gateway, as the view shows it. */
export interface ReplyRow {
  receivedAt: number;
  township: string;
  gateway: string;
  id: string;
  status: ReplyPayload['status'];
  code: string | null;
  message: string;
}

/** The latest answers, at most `capacity` commands × gateways (the oldest answer goes first). */
export class ReplyList {
  private readonly rows = new Map<string, ReplyRow>();

  constructor(private readonly capacity = 200) {}

  see(township: string, gateway: string, r: ReplyPayload, now: number): void {
    const key = `${gateway}/${r.id}`;
    // Re-inserted so the map's order is the order of the latest answers.
    this.rows.delete(key);
    this.rows.set(key, { receivedAt: now, township, gateway, id: r.id, status: r.status, code: r.error?.code ?? null, message: r.error?.message ?? '' });
    if (this.rows.size > this.capacity) this.rows.delete(this.rows.keys().next().value as string);
  }

  /** Newest answer first. */
  list(): ReplyRow[] {
    return [...this.rows.values()].reverse();
  }
}

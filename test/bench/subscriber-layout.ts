/** Shared-memory layout between the subscriber thread and the bench's main thread. */
export const C = { unique: 0, dups: 1, other: 2, warmups: 3, uplinkUps: 4, connects: 5, parseErrors: 6 } as const;
export const T = { firstUnique: 0, lastUnique: 1, lastUplinkUp: 2 } as const;

export interface SubscriberInit {
  url: string;
  clientId: string;
  runId: string;
  /** Keys are `device * perDevice + n`. */
  perDevice: number;
  seen: SharedArrayBuffer;
  latency: SharedArrayBuffer;
  order: SharedArrayBuffer;
  counters: SharedArrayBuffer;
  times: SharedArrayBuffer;
}

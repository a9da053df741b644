/** The contract's event categories: the last level of `events/{category}`. */
export const CATEGORIES = ['alarm', 'access', 'door', 'broadcast', 'camera', 'device', 'patrol', 'system'] as const;
/** One event category. */
export type Category = (typeof CATEGORIES)[number];

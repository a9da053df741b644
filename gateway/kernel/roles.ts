/** What an operator's key may do; every command names the role it needs (null: any valid key). */
export const ROLES = ['broadcast', 'door', 'arm', 'admin'] as const;
/** One operator role. */
export type Role = (typeof ROLES)[number];

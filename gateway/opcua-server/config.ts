/** The `opcuaServer` config section (issue 15): the gateway's own OPC UA server, off by default. */
import { z } from 'zod';
import { securitySchema } from '../../device-drivers/opcua/config.js';
import { ROLES } from '../kernel/roles.js';

const userSchema = z
  .object({
    /** The OPC UA user name; also the operator name in logs and the commands' `by`. */
    name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" and "-", up to 64 characters'),
    /** Salted hash of the password, from `vgw passwd`; never the password itself. */
    passwordHash: z.string().regex(/^scrypt\$/, 'a hash from `vgw passwd` ("scrypt$...")'),
    /** What this user's method calls may do (the command roles: arm, door, broadcast, admin). */
    roles: z.array(z.enum(ROLES)).min(1),
  })
  .strict();

const DEFAULT_SECURITY = [{ mode: 'SignAndEncrypt' as const, policy: 'Basic256Sha256' as const }];

export const opcuaServerSchema = z
  .object({
    /** Serve the village's address space to SCADA platforms (the OPC UA child process is started for it). */
    enabled: z.boolean().default(false),
    /** Address to listen on. */
    host: z.string().min(1).default('0.0.0.0'),
    /** TCP port; 4840 is OPC UA's registered port. 0 picks a free one (tests). */
    port: z.number().int().min(0).max(65535).default(4840),
    /** Endpoints offered; `None` is refused: user passwords would cross the network in clear. */
    security: z
      .array(securitySchema)
      .min(1)
      .default(DEFAULT_SECURITY)
      .superRefine((list, ctx) => {
        list.forEach((s, i) => {
          if (s.mode === 'None') ctx.addIssue({ code: 'custom', path: [i, 'mode'], message: 'the gateway\'s server offers secure endpoints only: use Sign or SignAndEncrypt with Basic256Sha256' });
        });
      }),
    /** Accept a client certificate seen for the first time; false: it waits in `{dataDir}/opcua-pki/server/rejected` until moved to `trusted/certs`. */
    acceptUnknownClients: z.boolean().default(false),
    /** Sessions at once (each costs memory in the child). */
    maxSessions: z.number().int().min(1).max(100).default(10),
    /** How often the address space is brought up to date (arming changes are shown at once). */
    refreshMs: z.number().int().min(100).max(60_000).default(1000),
    /** Who may log in (anonymous sessions are refused); each user maps to an operator with roles. */
    users: z.array(userSchema).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.enabled && s.users.length === 0) ctx.addIssue({ code: 'custom', path: ['users'], message: 'the OPC UA server is enabled but has no users; add one with a passwordHash from `vgw passwd` and its roles' });
    const names = new Set<string>();
    s.users.forEach((u, i) => {
      if (names.has(u.name)) ctx.addIssue({ code: 'custom', path: ['users', i, 'name'], message: `user "${u.name}" is listed twice; merge the entries` });
      names.add(u.name);
    });
  })
  .default({ enabled: false, host: '0.0.0.0', port: 4840, security: DEFAULT_SECURITY, acceptUnknownClients: false, maxSessions: 10, refreshMs: 1000, users: [] });

/** The validated `opcuaServer` section. */
export type OpcuaServerConfig = z.infer<typeof opcuaServerSchema>;

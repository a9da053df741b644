/**
 * The `http` config section (issue 13, item 3): the LAN-side HTTP server for /healthz, /metrics and the
 * status page. Off by default; when on, every page but /healthz needs the token, which the config holds
 * only as a SHA-256 digest or names a 0600 file of (never in clear).
 */
import { z } from 'zod';
import { timerSec } from '../kernel/timers.js';

const authSchema = z
  .object({
    /** User name the phone's browser sends with Basic auth (the password is the token). */
    username: z.string().min(1).max(64).default('vgw'),
    /** File holding the token alone (mode 0600, e.g. `openssl rand -hex 24 > /etc/vgw/http-token`). */
    tokenFile: z.string().min(1).optional(),
    /** SHA-256 (hex) of the token instead of a file: `printf %s TOKEN | sha256sum`. The token must be random (20+ characters). */
    tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits, the output of `printf %s TOKEN | sha256sum`').optional(),
  })
  .strict();

/** The `http` section; `auth` is required once `enabled`. */
export const httpSchema = z
  .object({
    /** Serve /healthz, /metrics and the status page on the LAN. */
    enabled: z.boolean().default(false),
    /** Address to listen on: the LAN interface's, 127.0.0.1 for the box alone, or 0.0.0.0. */
    host: z.string().min(1).default('0.0.0.0'),
    /** TCP port; 0 picks a free one (tests). */
    port: z.number().int().min(0).max(65535).default(8080),
    /** The token that /metrics and the status page ask for (Bearer, or Basic with `username`). */
    auth: authSchema.optional(),
    /** /healthz turns 503 once the uplink has been down this long. */
    uplinkDownSec: timerSec(z.number().int().min(1)).default(300),
    /** /healthz turns 503 below this much free space in gateway.dataDir. */
    diskLowBytes: z.number().int().min(0).default(64 * 1024 * 1024),
  })
  .strict()
  .superRefine((h, ctx) => {
    if (!h.enabled) return;
    if (!h.auth || (h.auth.tokenFile === undefined) === (h.auth.tokenSha256 === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['auth'], message: 'http.enabled needs exactly one of http.auth.tokenFile (a 0600 file with the token) or http.auth.tokenSha256 (its SHA-256 in hex)' });
    }
  })
  .default({ enabled: false, host: '0.0.0.0', port: 8080, uplinkDownSec: 300, diskLowBytes: 64 * 1024 * 1024 });

/** The validated `http` section. */
export type HttpConfig = z.infer<typeof httpSchema>;

/** The config keys of the cloud bridge: the township uplink and the outbox (spread into the config schema). */
import { z } from 'zod';
import { timerMs } from '../gateway/kernel/timers.js';

/** TLS files of a connection (the township uplink, the local broker). */
export const tlsFiles = z
  .object({
    /** PEM file of the CA that signed the server's certificate (township) or the clients' (local). */
    ca: z.string().optional(),
    /** PEM certificate file. */
    cert: z.string().optional(),
    /** PEM private key file. */
    key: z.string().optional(),
  })
  .strict();

/** The township connection (`uplink`). */
export const uplinkSchema = z
  .object({
    /** Township broker URL: `mqtts://host:8883` (or `mqtt://` on a trusted network only). */
    url: z.string().regex(/^(mqtts?|wss?):\/\/[^\s]+$/, 'a URL like mqtts://township.example:8883'),
    /** MQTT protocol version: 5 (preferred, Mosquitto) or 4 (= 3.1.1). */
    protocolVersion: z.union([z.literal(4), z.literal(5)]).default(5),
    /** Username; the contract expects the gateway id. */
    username: z.string().optional(),
    /** File holding the password (keeps the secret out of this file). */
    passwordFile: z.string().optional(),
    /** TLS material for the township connection. */
    tls: tlsFiles.optional(),
    /** MQTT keepalive in seconds; the township sees us offline within 1.5× this. */
    keepaliveSec: z.number().int().min(5).max(3600).default(30),
    /** First reconnect delay; doubles up to `backoffMaxMs`, with jitter. */
    backoffInitialMs: timerMs(z.number().int().min(50)).default(1000),
    /** Largest reconnect delay. */
    backoffMaxMs: timerMs(z.number().int().min(100)).default(60_000),
    /** Messages in flight (sent, not yet PUBACKed). */
    inflightWindow: z.number().int().min(1).max(65_535).default(1000),
    /** Seconds between `metrics` messages (at most a day); 0 turns them off. */
    metricsIntervalSec: z.number().min(0).max(86_400).default(60),
  })
  .strict();
/** A validated `uplink` key. */
export type UplinkConfig = z.infer<typeof uplinkSchema>;

/** The outbox's bounds (`outbox`). */
export const outboxSchema = z
  .object({
    /** Most events kept while the uplink is down. */
    maxRows: z.number().int().min(100).default(500_000),
    /** Most payload bytes kept while the uplink is down. */
    maxBytes: z.number().int().min(65_536).default(512 * 1024 * 1024),
    /** Below this much free space on the data directory's disk the outbox evicts instead of growing. */
    minFreeBytes: z.number().int().min(0).default(64 * 1024 * 1024),
    /** Space kept preallocated in the data directory for critical events and deletes on a full disk. */
    reserveBytes: z.number().int().min(0).max(1024 * 1024 * 1024).default(8 * 1024 * 1024),
  })
  .strict()
  .default({ maxRows: 500_000, maxBytes: 512 * 1024 * 1024, minFreeBytes: 64 * 1024 * 1024, reserveBytes: 8 * 1024 * 1024 });
/** A validated `outbox` key. */
export type OutboxConfig = z.infer<typeof outboxSchema>;

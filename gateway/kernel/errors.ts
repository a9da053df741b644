/**
 * Errors with stable codes. Codes are never reused once retired (fastify's rule); the prefix names the
 * subsystem. `retryable` drives backoff: a retryable error is worth another attempt later, a permanent
 * one needs a person (config, credentials, wiring).
 */
export type ErrorCode =
  | 'VGW_CONFIG_INVALID'
  | 'VGW_CONFIG_UNREADABLE'
  | 'VGW_DB_OPEN'
  | 'VGW_DB_MIGRATION'
  | 'VGW_DATA_DIR_LOCKED'
  | 'VGW_DB_CORRUPT'
  | 'VGW_DB_LOST'
  | 'VGW_DISK_FULL'
  | 'VGW_LOCAL_BROKER_LISTEN'
  | 'VGW_UPLINK_CONNECT'
  | 'VGW_DRIVER_START'
  | 'VGW_STOP_TIMEOUT'
  | 'VGW_KEY_INVALID';

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** SQLite reports a full disk as SQLITE_FULL (and ENOSPC from the VFS as SQLITE_IOERR_WRITE). */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_WRITE' || code === 'ENOSPC';
}

/**
 * The `snapshots` config key: camera pictures, the outbox's second class (issue 11, item 2). They wait
 * on disk beside the database, bounded apart from the events, and go up below every event.
 */
import { z } from 'zod';

const MiB = 1024 * 1024;

export const snapshotsSchema = z
  .object({
    /** Most pictures kept waiting for the uplink; over it the oldest waiting picture is dropped (reported), never an event. */
    maxCount: z.number().int().min(1).max(1_000_000).default(1000),
    /** Most bytes of pictures kept waiting; over it the oldest is dropped (reported), never an event; a larger picture is refused. */
    maxBytes: z.number().int().min(65_536).max(64 * 1024 * MiB).default(128 * MiB),
    /** Uplink bandwidth for pictures in bytes per second (about 50000 for a shared 4G link); 0: as fast as the link goes. */
    bytesPerSec: z
      .number()
      .int()
      .min(0)
      .max(1_000_000_000)
      .refine((v) => v === 0 || v >= 1024, 'must be 0 (no budget) or at least 1024 bytes per second')
      .default(0),
    /** Free disk a picture must leave beyond outbox.minFreeBytes, else it is refused (the event still goes, with data.snapshotError). */
    minFreeBytes: z.number().int().min(0).max(64 * 1024 * MiB).default(32 * MiB),
  })
  .strict()
  .default({ maxCount: 1000, maxBytes: 128 * MiB, bytesPerSec: 0, minFreeBytes: 32 * MiB });
/** A validated `snapshots` key. */
export type SnapshotsConfig = z.infer<typeof snapshotsSchema>;

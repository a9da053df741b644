/**
 * Camera pictures from drivers to the outbox's picture class (issue 11, item 2). A driver emits an
 * event with a JPEG attachment; the picture is written and synced first, then the event commits with
 * `data.snapshot` = `{topic, bytes, sha256}` and the picture's row in the same transaction. A picture
 * that cannot be kept (disk, cap, write error) never holds the event back: the event goes with
 * `data.snapshotError` instead. Dropped pictures are counted and reported, aggregated, as
 * `system.snapshot.dropped`.
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { uuidV7 } from './kernel/uuid-v7.js';
import type { Db } from '../cloud-bridge/db.js';
import type { DiskSpace } from '../cloud-bridge/disk-space.js';
import type { Outbox } from '../cloud-bridge/outbox.js';
import { PictureLane } from '../cloud-bridge/picture-lane.js';
import { SnapshotRefused, SnapshotStore, type SnapshotRow } from '../cloud-bridge/snapshot-store.js';
import type { Attachment } from '../device-drivers/driver.js';
import type { Config } from './config/schema.js';
import type { TownshipTopics } from './kernel/topics.js';
import type { EventDraft, Pipeline } from './pipeline.js';
import { holdAtRowsFor, RejectionReports } from './reports.js';

/** The attachments that are pictures for the township: the contract's snapshots are JPEG. */
export const isPicture = (a: Attachment | undefined): a is Attachment => a?.contentType.toLowerCase() === 'image/jpeg';

export interface PicturesDeps {
  config: Config;
  db: Db;
  outbox: Outbox;
  disk: DiskSpace;
  pipeline: Pipeline;
  topics: TownshipTopics;
  log: Logger;
}

export function buildPictures({ config, db, outbox, disk, pipeline, topics, log }: PicturesDeps) {
  const plog = log.child({ component: 'pictures' });
  // Its own aggregator, so drops are not counted as rejected input; held in memory while the backlog is large.
  const drops = new RejectionReports(pipeline, plog, {
    intervalMs: config.reports.intervalSec * 1000,
    maxPerMinute: config.reports.maxPerMinute,
    backlog: outbox,
    holdAtRows: holdAtRowsFor(config.outbox.maxRows),
  });
  const store = new SnapshotStore({
    db,
    dataDir: config.gateway.dataDir,
    limits: config.snapshots,
    outboxMinFreeBytes: config.outbox.minFreeBytes,
    disk,
    diskFull: () => outbox.diskFull,
    onDrop: (reason, row) => drops.reject('system.snapshot.dropped', 'minor', reason, { reason, eventId: row.eventId, bytes: row.bytes }),
    log: plog,
  });
  const lane = new PictureLane(store, config.snapshots.bytesPerSec, plog);

  /** Stores the picture, then commits the event naming it (or naming why there is none). */
  async function emit(draft: EventDraft, attachment: Attachment): Promise<void> {
    const id = uuidV7();
    let row: SnapshotRow | null = null;
    let data = draft.data;
    try {
      const bytes = attachment.bytes ?? (attachment.path ? await readFile(attachment.path) : Buffer.alloc(0));
      row = await store.write(id, topics.snapshot(id), bytes);
      data = { ...data, snapshot: { topic: row.topic, bytes: row.bytes, sha256: row.sha256 } };
    } catch (err) {
      const reason = err instanceof SnapshotRefused ? err.reason : 'write-failed';
      plog.warn({ err, device: draft.device, type: draft.type, reason }, 'picture not kept; the event goes without it');
      data = { ...data, snapshotError: { reason, message: (err as Error).message } };
    }
    const picture = row;
    try {
      await pipeline.emit({ ...draft, data, id, alongside: picture ? (seq) => store.insert(picture, seq ?? 0) : undefined });
    } catch (err) {
      if (picture) store.discard(picture);
      throw err;
    }
    if (picture) store.committed(picture);
  }

  return {
    store,
    lane,
    drops,
    emit,
    /** Pictures waiting (count, bytes), sent, dropped and refused since start, for inspect and metrics. */
    counts: () => ({ waiting: store.waiting, bytes: store.waitingBytes, sent: store.sent, dropped: store.dropped, refused: store.refused }),
  };
}

export type Pictures = ReturnType<typeof buildPictures>;

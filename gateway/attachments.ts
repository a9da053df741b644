/**
 * Files other than pictures that go with events (issue 9): written under `{dataDir}/attachments` before
 * the event is committed and named in its `data.attachment`; they stay on the box (nothing sends them).
 * A JPEG is a camera picture instead and goes the snapshot way (gateway/pictures.ts, issue 11).
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Attachment } from '../device-drivers/driver.js';

/** What an event records of its attachment. */
export interface AttachmentRef {
  file: string;
  contentType: string;
  bytes: number;
}

/** Stores `attachment` of `device`'s event; the reference goes into the event's data. */
export function storeAttachment(dataDir: string, device: string, attachment: Attachment): AttachmentRef {
  const dir = join(dataDir, 'attachments');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = `${device}-${randomUUID()}`;
  const path = join(dir, file);
  if (attachment.bytes) writeFileSync(path, attachment.bytes, { mode: 0o600 });
  else if (attachment.path) copyFileSync(attachment.path, path);
  else throw new Error(`attachment of ${device} has neither bytes nor path`);
  return { file, contentType: attachment.contentType, bytes: statSync(path).size };
}

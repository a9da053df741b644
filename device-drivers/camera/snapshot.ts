/**
 * Fetches one snapshot for an alarm: a JPEG within the time limit and size cap, or the reason it
 * failed. Never throws: a failed snapshot must not block or drop its event (issue 11, item 2).
 */
import { CameraHttpError, type CameraHttp } from './camera-http.js';
import { isJpeg } from './jpeg.js';

/** What went wrong with a snapshot, as `data.snapshotError` carries it. */
export interface SnapshotError {
  reason: string;
  detail: string;
}

/** A snapshot, or why there is none. */
export type SnapshotResult = { ok: true; bytes: Buffer } | { ok: false; error: SnapshotError };

/** GETs `url` on `http` within `timeoutMs`, at most `maxBytes`. */
export async function fetchSnapshot(http: CameraHttp, url: string, o: { timeoutMs: number; maxBytes: number; signal?: AbortSignal | undefined }): Promise<SnapshotResult> {
  try {
    const res = await http.fetch(url, { timeoutMs: o.timeoutMs, maxBytes: o.maxBytes, signal: o.signal, headers: { accept: 'image/jpeg' } });
    if (res.status !== 200) return { ok: false, error: { reason: `http-${res.status}`, detail: `the camera answered HTTP ${res.status} for the snapshot` } };
    if (!isJpeg(res.body)) return { ok: false, error: { reason: 'not-jpeg', detail: `the snapshot (${res.body.length} bytes, ${String(res.headers['content-type'] ?? 'no type')}) is not a JPEG` } };
    return { ok: true, bytes: res.body };
  } catch (err) {
    if (err instanceof CameraHttpError) return { ok: false, error: { reason: err.reason, detail: err.message } };
    return { ok: false, error: { reason: 'error', detail: (err as Error).message } };
  }
}

/**
 * A streaming reader of `multipart/mixed` bodies (RFC 2046 §5.1), as the ISAPI alertStream sends
 * them: parts found by their Content-Length when given, else by the next delimiter. Bounded: a part
 * (or the garbage before a delimiter) over `maxPartBytes` throws, so a broken camera cannot fill memory.
 */

/** One part: its headers (names lower-cased) and body. */
export interface Part {
  headers: Record<string, string>;
  body: Buffer;
}

const CRLF2 = Buffer.from('\r\n\r\n');

/** The boundary of a `multipart/...; boundary=...` Content-Type, or null. */
export function boundaryOf(contentType: string | undefined): string | null {
  const m = /boundary="?([^";]+)"?/i.exec(contentType ?? '');
  return m?.[1] ?? null;
}

export class MultipartReader {
  private buf: Buffer = Buffer.alloc(0);
  private state: 'delimiter' | 'headers' | 'body' = 'delimiter';
  private headers: Record<string, string> = {};
  private readonly delim: Buffer;

  constructor(
    boundary: string,
    private readonly maxPartBytes: number,
    private readonly onPart: (part: Part) => void,
  ) {
    // Some cameras send the first delimiter without the leading CRLF; search for "--boundary" alone.
    this.delim = Buffer.from(`--${boundary}`);
  }

  /** Feeds bytes; calls `onPart` for every complete part. Throws on a part over the cap. */
  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      if (this.state === 'delimiter') {
        const i = this.buf.indexOf(this.delim);
        if (i < 0) return this.bound(this.delim.length);
        this.buf = this.buf.subarray(i + this.delim.length);
        this.state = 'headers';
      }
      if (this.state === 'headers') {
        if (this.buf.length < 2) return;
        if (this.buf.subarray(0, 2).toString() === '--') {
          this.buf = Buffer.alloc(0);
          this.state = 'delimiter';
          return;
        }
        const start = this.buf.subarray(0, 2).toString() === '\r\n' ? 2 : 0;
        // A part without headers: the delimiter's CRLF is the first half of the blank line.
        const end = this.buf.indexOf(CRLF2);
        if (end < 0) return this.bound(0);
        this.headers = {};
        for (const line of this.buf.subarray(start, Math.max(start, end)).toString('latin1').split('\r\n')) {
          const c = line.indexOf(':');
          if (c > 0) this.headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
        }
        this.buf = this.buf.subarray(end + 4);
        this.state = 'body';
      }
      const length = Number(this.headers['content-length'] ?? NaN);
      let body: Buffer;
      if (Number.isInteger(length) && length >= 0) {
        if (length > this.maxPartBytes) throw new Error(`multipart part of ${length} bytes is over the cap of ${this.maxPartBytes}`);
        if (this.buf.length < length) return;
        body = this.buf.subarray(0, length);
        this.buf = this.buf.subarray(length);
      } else {
        const i = this.buf.indexOf(this.delim);
        if (i < 0) return this.bound(this.delim.length);
        body = this.buf.subarray(0, i);
        if (body.subarray(-2).toString() === '\r\n') body = body.subarray(0, -2);
        this.buf = this.buf.subarray(i);
      }
      this.state = 'delimiter';
      this.onPart({ headers: this.headers, body: Buffer.from(body) });
    }
  }

  private bound(keep: number): void {
    if (this.buf.length > this.maxPartBytes + keep + 1024) throw new Error(`multipart stream sent over ${this.maxPartBytes} bytes without a part boundary`);
  }
}

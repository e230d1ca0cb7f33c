/** One HTTP/1.1 response as the load generator needs it. */
export interface ParsedResponse {
  status: number;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The body as latin1/utf8 text when asked for, else ''. */
  body: string;
  /** The server will close the connection after this response. */
  close: boolean;
}

const CRLF2 = Buffer.from('\r\n\r\n');

/**
 * Incremental parser of HTTP/1.1 responses on one connection (RFC 9112): status line and headers,
 * then a body framed by Content-Length, chunked transfer coding, or the end of the connection.
 * Interim 1xx responses are skipped. Feed it every chunk read; it calls `onResponse` once per
 * complete response and throws on a malformed message (the caller treats the connection as broken).
 */
export class Http1ResponseParser {
  private buf: Buffer = Buffer.alloc(0);
  private head: ParsedResponse | undefined;
  /** Body framing of the response being read. */
  private mode: 'length' | 'chunked' | 'eof' = 'length';
  private remaining = 0;
  private parts: Buffer[] = [];

  constructor(private readonly keepBody: boolean, private readonly onResponse: (r: ParsedResponse) => void) {}

  /** True while a response has started but not ended. */
  get midResponse(): boolean {
    return this.head !== undefined || this.buf.length > 0;
  }

  /** Feeds bytes read from the connection. */
  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (this.step()) { /* one response part per step */ }
  }

  /** The connection ended: completes a close-delimited body; returns false if a response was cut short. */
  end(): boolean {
    if (this.head && this.mode === 'eof') {
      this.take(this.buf);
      this.buf = Buffer.alloc(0);
      this.finish();
      return true;
    }
    return !this.midResponse;
  }

  /** Resets for a fresh connection. */
  reset(): void {
    this.buf = Buffer.alloc(0);
    this.head = undefined;
    this.parts = [];
  }

  private step(): boolean {
    if (!this.head) return this.readHead();
    if (this.mode === 'length') {
      const n = Math.min(this.remaining, this.buf.length);
      this.take(this.buf.subarray(0, n));
      this.buf = this.buf.subarray(n);
      this.remaining -= n;
      if (this.remaining > 0) return false;
      this.finish();
      return true;
    }
    if (this.mode === 'chunked') return this.readChunk();
    this.take(this.buf);
    this.buf = Buffer.alloc(0);
    return false;
  }

  private readHead(): boolean {
    const end = this.buf.indexOf(CRLF2);
    if (end < 0) {
      if (this.buf.length > 64 * 1024) throw new Error('response head over 64 KiB');
      return false;
    }
    const lines = this.buf.toString('latin1', 0, end).split('\r\n');
    this.buf = this.buf.subarray(end + 4);
    const m = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0]);
    if (!m) throw new Error(`not an HTTP/1.x status line: ${JSON.stringify(lines[0].slice(0, 40))}`);
    const status = Number(m[2]);
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(':');
      if (colon <= 0) throw new Error('malformed response header line');
      const name = lines[i].slice(0, colon).trim().toLowerCase();
      const value = lines[i].slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    if (status < 200) return true; // 1xx: an interim response, the real one follows
    const conn = (headers.connection ?? '').toLowerCase();
    const close = m[1] === '0' ? !conn.includes('keep-alive') : conn.includes('close');
    this.head = { status, headers, body: '', close };
    this.parts = [];
    if (status === 204 || status === 304) return this.finish();
    if ((headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) {
      this.mode = 'chunked';
      this.remaining = -1;
    } else if (headers['content-length'] !== undefined) {
      const n = Number(headers['content-length']);
      if (!Number.isInteger(n) || n < 0) throw new Error('malformed Content-Length');
      this.mode = 'length';
      this.remaining = n;
    } else {
      this.mode = 'eof';
      this.head.close = true;
    }
    return true;
  }

  /** Chunked body: `remaining` is the bytes left of the current chunk plus its CRLF, or -1 before a size line. */
  private readChunk(): boolean {
    if (this.remaining === -2) {
      const eol = this.buf.indexOf('\r\n');
      if (eol < 0) return false;
      this.buf = this.buf.subarray(eol + 2);
      if (eol === 0) return this.finish();
      return true;
    }
    if (this.remaining === -1) {
      const eol = this.buf.indexOf('\r\n');
      if (eol < 0) return false;
      const size = parseInt(this.buf.toString('latin1', 0, eol).split(';')[0], 16);
      if (!Number.isInteger(size) || size < 0) throw new Error('malformed chunk size');
      this.buf = this.buf.subarray(eol + 2);
      if (size === 0) {
        this.remaining = -2; // trailers until an empty line
        return true;
      }
      this.remaining = size + 2;
      return true;
    }
    const n = Math.min(this.remaining, this.buf.length);
    const dataLeft = Math.max(0, this.remaining - 2);
    this.take(this.buf.subarray(0, Math.min(n, dataLeft)));
    this.buf = this.buf.subarray(n);
    this.remaining -= n;
    if (this.remaining > 0) return false;
    this.remaining = -1;
    return true;
  }

  private take(b: Buffer): void {
    if (this.keepBody && b.length > 0) this.parts.push(Buffer.from(b));
  }

  private finish(): boolean {
    const r = this.head!;
    if (this.keepBody) r.body = Buffer.concat(this.parts).toString('utf8');
    this.head = undefined;
    this.parts = [];
    this.onResponse(r);
    return true;
  }
}

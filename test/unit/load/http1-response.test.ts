import { describe, expect, it } from 'vitest';
import { Http1ResponseParser, type ParsedResponse } from '../../../src/adapters/http1-response.js';

/** Feeds `wire` split into pieces of `step` bytes and returns what the parser made of it. */
function parse(wire: string, step = wire.length, keepBody = true): { responses: ParsedResponse[]; whole: boolean } {
  const responses: ParsedResponse[] = [];
  const p = new Http1ResponseParser(keepBody, (r) => responses.push(r));
  const bytes = Buffer.from(wire, 'latin1');
  for (let i = 0; i < bytes.length; i += step) p.push(bytes.subarray(i, i + step));
  return { responses, whole: p.end() };
}

const LENGTH = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Vaultctl-Cause: 28P01\r\n\r\nhello';
const CHUNKED = 'HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nperm\r\n6;ext=1\r\nission\r\n0\r\nX-Trailer: t\r\n\r\n';

describe('Http1ResponseParser', () => {
  it('reads Content-Length and chunked bodies, whatever the chunk boundaries', () => {
    for (const step of [1, 2, 3, 7, 1000]) {
      const both = parse(LENGTH + CHUNKED + LENGTH, step);
      expect(both.responses.map((r) => [r.status, r.body, r.close])).toEqual([
        [200, 'hello', false], [503, 'permission', false], [200, 'hello', false]]);
      expect(both.responses[0].headers['x-vaultctl-cause']).toBe('28P01');
      expect(both.whole).toBe(true);
    }
  });

  it('skips interim 1xx responses, gives 204 no body, and reads a close-delimited body at the end', () => {
    const { responses, whole } = parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\nHTTP/1.0 200 OK\r\n\r\nuntil the end');
    expect(responses.map((r) => [r.status, r.body, r.close])).toEqual([[204, '', false], [200, 'until the end', true]]);
    expect(whole).toBe(true);
  });

  it('says a response was cut short when the connection ends mid-body', () => {
    const { responses, whole } = parse('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf');
    expect(responses).toEqual([]);
    expect(whole).toBe(false);
  });

  it('notes Connection: close, and keep-alive on HTTP/1.0', () => {
    expect(parse('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n').responses[0].close).toBe(true);
    expect(parse('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n').responses[0].close).toBe(false);
  });

  it('keeps no body unless asked', () => {
    expect(parse(CHUNKED, 5, false).responses[0]).toMatchObject({ status: 503, body: '' });
  });

  it('throws on what is not HTTP/1.x', () => {
    expect(() => parse('SSH-2.0-OpenSSH\r\n\r\n')).toThrow(/status line/);
    expect(() => parse('HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n')).toThrow(/Content-Length/);
    expect(() => parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).toThrow(/chunk size/);
  });
});

import { describe, expect, it } from 'vitest';
import { LineBuffer } from '../../../src/runtime/line-buffer.js';

describe('LineBuffer', () => {
  it('hands on whole lines only, joining a line cut between chunks, and keeps the unfinished end', () => {
    const b = new LineBuffer();
    expect(b.push('one\r\ntw')).toEqual(['one']);
    expect(b.rest).toBe('tw');
    expect(b.push('o\nthree\nfo')).toEqual(['two', 'three']);
    expect(b.take()).toBe('fo');
    expect(b.rest).toBe('');
    expect(b.push('\n')).toEqual(['']);
  });

  it('drops an unfinished end longer than maxPartial instead of holding it', () => {
    const b = new LineBuffer('\n', 10);
    expect(b.push('{"a":')).toEqual([]);
    expect(b.push('1}\n{"b"')).toEqual(['{"a":1}']);
    expect(b.push(':2}\n' + 'x'.repeat(30))).toEqual(['{"b":2}']);
    expect(b.rest).toBe('');
    expect(b.push('yy\n{"c":3}\n')).toEqual(['yy', '{"c":3}']);
  });

  it('splits on the separator it is given', () => {
    const b = new LineBuffer('\n');
    expect(b.push('a\r\nb')).toEqual(['a\r']);
  });
});

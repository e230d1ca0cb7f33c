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

  it('splits on the separator it is given', () => {
    const b = new LineBuffer('\n');
    expect(b.push('a\r\nb')).toEqual(['a\r']);
  });
});

/**
 * Splits a stream of text chunks into whole lines: a line cut between two chunks is joined before
 * it is handed on, so a line-by-line reader (a redactor, a log parser) never sees half of one.
 */
export class LineBuffer {
  private partial = '';

  constructor(private readonly separator: RegExp | string = /\r?\n/) {}

  /** The lines `chunk` completes, in order; the unfinished end is kept for the next chunk. */
  push(chunk: string): string[] {
    const parts = (this.partial + chunk).split(this.separator);
    this.partial = parts.pop() ?? '';
    return parts;
  }

  /** The unfinished last line, still kept. */
  get rest(): string {
    return this.partial;
  }

  /** Hands over the unfinished last line and forgets it. */
  take(): string {
    const rest = this.partial;
    this.partial = '';
    return rest;
  }
}

/**
 * Splits a stream of text chunks into whole lines: a line cut between two chunks is joined before
 * it is handed on, so a line-by-line reader (a redactor, a log parser) never sees half of one.
 */
export class LineBuffer {
  private partial = '';

  /**
   * `maxPartial`: an unfinished end longer than this is dropped rather than held (a writer that
   * never ends its line must not grow memory); the rest of that line then comes out as a fragment.
   */
  constructor(private readonly separator: RegExp | string = /\r?\n/, private readonly maxPartial = Infinity) {}

  /** The lines `chunk` completes, in order; the unfinished end is kept for the next chunk. */
  push(chunk: string): string[] {
    const parts = (this.partial + chunk).split(this.separator);
    const rest = parts.pop() ?? '';
    this.partial = rest.length > this.maxPartial ? '' : rest;
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

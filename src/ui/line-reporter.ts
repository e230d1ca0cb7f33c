import type { Runtime } from '../runtime/runtime.js';
import type { Reporter } from '../ports/reporter.js';

/** The plain line renderer used on every stream (the ink live view builds on top of it). */
export function createLineReporter(rt: Runtime, opts: { quiet: boolean }): Reporter {
  const write = (line: string) => {
    if (!opts.quiet) rt.stderr.write(rt.secrets.redact(line) + '\n');
  };
  const paint = (code: string, s: string) => (rt.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  return {
    info: write,
    step(title) {
      const started = rt.clock.now();
      write(`• ${title}…`);
      let ended = false;
      const end = (mark: string, detail?: string) => {
        if (ended) return;
        ended = true;
        const secs = ((rt.clock.now() - started) / 1000).toFixed(1);
        write(`${mark} ${title}${detail ? `: ${detail}` : ''} (${secs}s)`);
      };
      return {
        done: (detail) => end(paint('32', '✓'), detail),
        fail: (detail) => end(paint('31', '✗'), detail),
      };
    },
  };
}

import type { OutStream } from '../runtime/runtime.js';
import { LineBuffer } from '../runtime/line-buffer.js';
import { LiveModel, type LiveSource, type LiveView } from './live-model.js';
import { startPlainView } from './plain-renderer.js';
import { startInkView } from './ink-view.js';

export { throttledThresholds, type LiveSource, type LiveView } from './live-model.js';
export type { LivePhase, LiveState, ThresholdSoFar, ThresholdProvider } from './live-state.js';

/** Options of {@link startLiveView}. */
export interface LiveViewOptions {
  /** Where the view goes: the Runtime's stderr. Nothing is ever written to stdout. */
  stderr: OutStream;
  /** Colours allowed (Runtime.color). */
  color: boolean;
  /** `--quiet`: the view prints nothing at all. */
  quiet: boolean;
  scenario: string;
  /** Length of the load, warm-up included (the progress bar's 100 %). */
  totalMs: number;
  /** Warm-up length; `measuring` starts this long after `load_started`. Default 0. */
  warmUpMs?: number;
  source: LiveSource;
  /** Plain (non-TTY) status line interval; default 5000 ms. */
  statusEveryMs?: number;
}

/**
 * Starts the live view of a run on stderr: an ink view redrawn every 250 ms when stderr is a
 * terminal, plain status and event lines when it is not (CI), nothing under `--quiet`.
 * Call `stop()` before writing results to stdout.
 */
export function startLiveView(opts: LiveViewOptions): LiveView {
  if (opts.quiet) return silentView();
  const model = new LiveModel(opts.source, opts.scenario, opts.totalMs, opts.warmUpMs ?? 0);
  return opts.stderr.isTTY ? startInkView(model, opts.stderr, opts.color) : startPlainView(model, opts.stderr, opts.statusEveryMs);
}

function silentView(): LiveView {
  return { onEvent: () => {}, setPhase: () => {}, log: () => {}, stop: async () => {} };
}

/**
 * A stream whose lines go through `view.log`, for code that writes to a stream (e.g.
 * `createLineReporter({ ...rt, stderr: logStream(view, rt.stderr) }, ...)`) so its lines land
 * above the live area instead of tearing the ink frame.
 */
export function logStream(view: LiveView, like: OutStream): OutStream {
  const buffer = new LineBuffer('\n');
  return {
    isTTY: like.isTTY,
    get columns() {
      return like.columns;
    },
    write(chunk: string) {
      for (const line of buffer.push(chunk)) view.log(line);
      return true;
    },
  };
}

import { EventEmitter } from 'node:events';
import { render, type Instance } from 'ink';
import type { OutStream } from '../runtime/runtime.js';
import type { RunEvent } from '../ports/events.js';
import { eventLine } from './event-lines.js';
import type { LivePhase } from './live-state.js';
import type { LiveModel, LiveView } from './live-model.js';
import { LiveRoot, type LogLine } from './LiveView.js';

/** How often the TTY view polls the source and redraws. */
export const TTY_REFRESH_MS = 250;

/**
 * The TTY front end: ink renders <LiveRoot> to the stderr stream (never stdout), redrawn every
 * 250 ms from a poll of the source and when a line is logged; events only update the state.
 */
export function startInkView(model: LiveModel, stderr: OutStream, color: boolean): LiveView {
  const stream = asWriteStream(stderr);
  const lines: LogLine[] = [];
  let nextId = 0;
  let stopped = false;
  const tree = () => <LiveRoot state={model.state} lines={lines} color={color} width={stderr.columns || 80} />;
  model.poll();
  const ink: Instance = render(tree(), {
    stdout: stream, stderr: stream, exitOnCtrlC: false, patchConsole: false,
  });
  const draw = () => {
    if (!stopped) ink.rerender(tree());
  };
  const timer = setInterval(() => {
    model.poll();
    draw();
  }, TTY_REFRESH_MS);
  timer.unref();
  const log = (line: string) => {
    if (stopped) {
      stderr.write(line + '\n');
      return;
    }
    lines.push({ id: nextId++, text: line });
    draw();
  };
  return {
    onEvent(e: RunEvent) {
      model.apply(e);
      const line = model.state.loadStartedAtMs !== null ? eventLine(e) : undefined;
      if (line) log(line);
    },
    setPhase(p: LivePhase) {
      model.setPhase(p);
      draw();
    },
    log,
    async stop() {
      if (stopped) return;
      clearInterval(timer);
      model.poll();
      draw();
      stopped = true;
      const exited = ink.waitUntilExit();
      ink.unmount();
      await exited;
    },
  };
}

/**
 * Ink wants a Node WriteStream (it listens for `resize`) with a height: with `rows` 0 (a pty
 * without a size, e.g. `script`) it takes the frame for full-screen and clears the terminal. A
 * Runtime's stream may also be a plain object (tests). Such streams get a stand-in that forwards.
 */
function asWriteStream(out: OutStream): NodeJS.WriteStream {
  const real = out as Partial<NodeJS.WriteStream>;
  if (typeof real.on === 'function' && (real.rows ?? 0) > 0) return out as unknown as NodeJS.WriteStream;
  const shim = Object.assign(new EventEmitter(), {
    isTTY: out.isTTY,
    get columns() {
      return out.columns || 80;
    },
    get rows() {
      return real.rows || 24;
    },
    write: (chunk: string, cb?: () => void) => {
      out.write(chunk);
      if (typeof cb === 'function') setImmediate(cb);
      return true;
    },
  });
  return shim as unknown as NodeJS.WriteStream;
}

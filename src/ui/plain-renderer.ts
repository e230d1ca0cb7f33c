import type { OutStream } from '../runtime/runtime.js';
import type { RunEvent } from '../ports/events.js';
import { eventLine } from './event-lines.js';
import type { LivePhase, LiveState } from './live-state.js';
import type { LiveModel, LiveView } from './live-model.js';
import {
  causesText, count, failurePercent, replicasText, rolloutText, secs, thresholdsText,
} from './live-format.js';

/** Seconds between status lines when stderr is not a terminal (CI logs stay short). */
export const PLAIN_STATUS_EVERY_MS = 5000;

/**
 * The live view's information as one plain line (no colour, no cursor movement), e.g.
 * `  [12s/30s measuring] 412 req/s, 5,020 requests, 37 failed (0.74%: conn_refused 20), replicas
 * 3 ready, 2 new, 1 old, 0 terminating; rollout r2 (refresh) 2/3 ready, 4.1s; 1 rollouts completed;
 * thresholds 1 pass, 1 fail, 0 pending; failing: latency.p99 < 500ms`.
 */
export function statusLine(s: LiveState): string {
  const causes = causesText(s, ', ');
  const rollout = rolloutText(s);
  return `  [${secs(s.elapsedMs)}/${secs(s.totalMs)} ${s.phase}] ${count(s.rps)} req/s, ${count(s.requests)} requests, ` +
    `${count(s.failures)} failed (${failurePercent(s)}${causes ? `: ${causes}` : ''}), ` +
    `replicas ${replicasText(s, ', ')}; ${rollout ? `rollout ${rollout}; ` : ''}` +
    `${s.rolloutsCompleted} rollouts completed; thresholds ${thresholdsText(s.thresholds)}`;
}

/** How often the plain view polls for a phase change (warm-up → measuring is seen only by polling). */
const PLAIN_POLL_MS = 250;

/**
 * The non-TTY front end: event lines as they happen, a status line every `everyMs` once load
 * started and on every phase change, and one last status line on stop unless the cleanup line was the last.
 */
export function startPlainView(model: LiveModel, stderr: OutStream, everyMs = PLAIN_STATUS_EVERY_MS): LiveView {
  const write = (line: string) => stderr.write(line + '\n');
  let last = '';
  let lastAt = -Infinity;
  let lastPhase = model.state.phase;
  let stopped = false;
  const status = () => {
    const line = statusLine(model.poll());
    if (line !== last) write(line);
    last = line;
    lastAt = performance.now();
    lastPhase = model.state.phase;
  };
  // No status lines before load starts (nothing to count yet) nor when it never did.
  const loading = () => model.state.loadStartedAtMs !== null;
  const timer = setInterval(() => {
    const phase = model.poll().phase;
    if (loading() && (phase !== lastPhase || performance.now() - lastAt >= everyMs)) status();
  }, Math.min(PLAIN_POLL_MS, everyMs));
  timer.unref();
  const afterChange = () => {
    if (!stopped && loading() && model.state.phase !== lastPhase) status();
  };
  return {
    onEvent(e: RunEvent) {
      model.apply(e);
      // Before load starts the reporter's steps tell the story; the same rule as the old event lines.
      const line = loading() ? eventLine(e) : undefined;
      if (line && !stopped) write(line);
      afterChange();
    },
    setPhase(p: LivePhase) {
      model.setPhase(p);
      afterChange();
    },
    log: write,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      // The cleanup line already gave the final numbers; otherwise give them once more.
      if (loading() && lastPhase !== 'cleanup') {
        const line = statusLine(model.poll());
        if (line !== last) write(line);
      }
    },
  };
}

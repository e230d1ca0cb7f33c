import { Box, Static, Text } from 'ink';
import type { ReactNode } from 'react';
import type { LivePhase, LiveState } from './live-state.js';
import {
  bar, causeItems, count, packLines, failurePercent, progress, replicasText, rolloutText, secs, thresholdTally,
} from './live-format.js';

/** Props of {@link LiveView}. */
export interface LiveViewProps {
  state: LiveState;
  /** Columns to fit (the terminal's, at most 80 is used). */
  width?: number;
  /** Colours only when the runtime allows them (TTY, no NO_COLOR). */
  color?: boolean;
}

const PHASE_COLOR: Record<LivePhase, string> = {
  starting: 'gray', 'warm-up': 'yellow', measuring: 'cyan', settling: 'magenta', cleanup: 'gray',
};

/**
 * The live area of `rotate-test` on stderr: eight lines at most, fitted to `width` (≤ 80) with
 * long lines cut, so the frame never wraps and ink can redraw it in place.
 */
export function LiveView({ state, width = 80, color = false }: LiveViewProps): ReactNode {
  const w = Math.max(20, Math.min(80, width));
  const paint = (c: string | undefined) => (color ? c : undefined);
  const time = `${secs(state.elapsedMs)} / ${secs(state.totalMs)}`;
  const pct = `${Math.floor(progress(state) * 100)}%`.padStart(4);
  const barWidth = w - time.length - pct.length - 4;
  // Two lines for causes: five `kind:cause n` items rarely fit in one.
  const causes = state.failures > 0 ? packLines(causeItems(state), w - 2, 2) : ['no failures'];
  const rollout = rolloutText(state);
  const t = thresholdTally(state.thresholds);
  const line = (children: ReactNode) => <Text wrap="truncate-end">{children}</Text>;
  return (
    <Box flexDirection="column" width={w}>
      {line(<>
        <Text bold={color}>{state.scenario}</Text>{' · '}<Text color={paint(PHASE_COLOR[state.phase])}>{state.phase}</Text>
      </>)}
      {line(<>
        <Text color={paint('green')}>{bar(progress(state), barWidth)}</Text>{` ${pct}  ${time}`}
      </>)}
      {line(<>
        {`${count(state.rps)} req/s · ${count(state.requests)} requests · `}
        <Text color={paint(state.failures > 0 ? 'red' : undefined)}>{`${count(state.failures)} failed`}</Text>
        {` (${failurePercent(state)})`}
      </>)}
      {causes.map((c, i) => <Text key={`cause${i}`} wrap="truncate-end">{`  ${c}`}</Text>)}
      {line(`replicas: ${replicasText(state)}`)}
      {line(`rollout: ${rollout ?? 'none in progress'} · ${state.rolloutsCompleted} completed`)}
      {line(<>
        {'thresholds: '}
        {state.thresholds.length === 0 ? 'none' : <>
          <Text color={paint('green')}>{`${t.pass} ✓`}</Text>{' '}
          <Text color={paint(t.fail > 0 ? 'red' : undefined)}>{`${t.fail} ✗`}</Text>{' '}
          {`${t.pending} pending`}
          {t.failing.length > 0 && <Text color={paint('red')}>{` · ✗ ${t.failing.join(' · ✗ ')}`}</Text>}
        </>}
      </>)}
    </Box>
  );
}

/** A line printed above the live area once (ink's <Static>); `id` keeps React keys stable. */
export interface LogLine {
  id: number;
  text: string;
}

/** Props of {@link LiveRoot}. */
export interface LiveRootProps extends LiveViewProps {
  /** Every line logged so far, oldest first; <Static> prints only the new ones. */
  lines: readonly LogLine[];
}

/** Log lines (printed once, scrolling up) over the live area. */
export function LiveRoot({ lines, ...view }: LiveRootProps): ReactNode {
  return (
    <>
      <Static items={[...lines]}>{(l: LogLine) => <Text key={l.id}>{l.text}</Text>}</Static>
      <LiveView {...view} />
    </>
  );
}

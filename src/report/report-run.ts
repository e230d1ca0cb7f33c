import type { RunEvent } from '../ports/events.js';
import type { RunFile } from '../results/run-file.js';
import type { TimelineData } from '../recorder/timeline-data.js';
import type { RunAnalysis } from '../analysis/analyze.js';
import type { Verdict } from '../analysis/verdict-types.js';

/**
 * One results directory, analysed and judged: what every report format renders. Several of them
 * side by side compare runs (one column per run).
 */
export interface ReportRun {
  /** Short label for columns: the scenario name, made unique when runs share it. */
  label: string;
  /** The results directory it was read from. */
  dir: string;
  run: RunFile;
  events: RunEvent[];
  timeline: TimelineData;
  /** Re-computed offline from events + timeline (same as run.analysis when nothing changed). */
  analysis: RunAnalysis;
  verdict: Verdict;
}

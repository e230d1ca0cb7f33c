import type { Runtime } from '../runtime/runtime.js';
import type { ReportRun } from '../report/report-run.js';
import type { RunOutputFormat } from '../report/formats.js';
import { renderRunTable } from '../report/text-table.js';
import { renderVerdictLines } from '../report/text-report.js';
import { appendStepSummary } from './report.js';

/** What one run shows when it ends. */
export interface RunPrintout {
  name: string;
  dir: string;
  /** Absent when the run stopped before the load started. */
  report?: ReportRun;
  interrupted: boolean;
  format: RunOutputFormat;
  quiet: boolean;
}

/**
 * The end of one run on the terminal: with the text format, its table and verdict lines on stdout
 * (other formats print one document for all runs at the end); the markdown report appended to
 * GitHub's job summary; the results directory on stderr.
 */
export async function printRun(rt: Runtime, p: RunPrintout): Promise<void> {
  if (p.report) {
    if (p.format === 'text') {
      rt.stdout.write(renderRunTable(p.report.analysis, { color: false, scenarioName: p.name }) +
        renderVerdictLines(p.report, { color: false }) + '\n');
    }
    await appendStepSummary(rt, [p.report]);
  } else if (p.interrupted && p.format === 'text') {
    // Stopped before the load started: nothing to tabulate, but stdout still says how it ended.
    rt.stdout.write(`${p.name}: interrupted before the load started, nothing measured\nverdict: INTERRUPTED\n\n`);
  }
  if (!p.quiet) rt.stderr.write(`results: ${p.dir}\n`);
}

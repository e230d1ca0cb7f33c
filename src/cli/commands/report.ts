import { Command, Option } from 'commander';
import type { Runtime } from '../../runtime/runtime.js';
import { REPORT_FORMATS, type ReportFormat } from '../../report/formats.js';

/** Collects a repeatable option's values. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * `vaultctl report DIR...`: re-analyses results directories offline and renders them. `deps`
 * (CliDeps fits) gives the version written into the JSON report.
 */
export function newReportCommand(rt: Runtime, deps: { version: string } = { version: 'unknown' }): Command {
  return new Command('report')
    .description('re-analyse results directories offline and report them (text, json, markdown, junit, html); thresholds -> exit code')
    .argument('<dirs...>', 'results directories written by `vaultctl rotate-test` (several are compared side by side)')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...REPORT_FORMATS]).default('text')
      .env('VAULTCTL_FORMAT'))
    .addOption(new Option('-o, --out <file>', 'write the report to FILE instead of stdout').env('VAULTCTL_REPORT_OUT'))
    .addOption(new Option('-t, --threshold <expr>', 'threshold such as "rollout.failure_rate < 0.1%" (repeatable; ' +
      'replaces the scenario\'s thresholds of the same metric; in the env, separate them with ";")').argParser(collect)
      .env('VAULTCTL_THRESHOLDS'))
    .addHelpText('after', `
The analysis is re-run from events.ndjson + timeline.json: no database, no cluster needed.

Formats:
  text      the per-rollout table (sent/asked per row), the baseline, what the load generator sent,
            warnings, one line per threshold result, the verdict
  json      versioned document (schemaVersion 1, keys documented in the README): runs[], each with
            rollouts, baseline, overall, leases and verdict; rates are ratios, times ms
  markdown  GitHub-flavoured tables with ✅/❌, for PR comments and job summaries
  junit     one <testsuite> per run, one <testcase> per rollout × threshold (and one per run-wide
            threshold), e.g. "rollout 2 (refresh): rollout.failure_rate < 0.1%"; failures carry
            the observed value
  html      a self-contained page with charts
Several directories: text and markdown start with one column per run (rollouts, requests,
failures, failure rate, max downtime, verdict), then each run's own table.

Thresholds: metrics rollout.failure_rate, rollout.downtime, rollout.duration, rollout.latency.p99
(judged per rollout), baseline.failure_rate, latency.p99, leases.outstanding, load.sent_ratio
(sent / scheduled requests); ops < <= > >= == !=; values 0.1% or 0.001, 500ms/2s/1m, integers.
A --threshold replaces every scenario threshold of its metric and adds new metrics. A rollout
that never completed fails rollout.duration. Rollouts that overlap share one row (trigger
"refresh+at"). A scenario that rotates and rolls its workload but shows no rollout fails every
rollout.* threshold ("expected rollouts, none observed"); each failed rotation (rotation_failed)
and database failure is a failed result of its own.

Missing data never passes: a run whose status is not completed (running: killed or still going;
interrupted; failed), or whose events.ndjson is missing or truncated (a torn last line, no
run_finished event), prints a warning naming what is missing and the verdict INCOMPLETE
(INTERRUPTED for an interrupted run), and exits 99.

GitHub Actions: when GITHUB_STEP_SUMMARY is set, the markdown report is appended to that file,
whatever --format is.

Exit codes: 0 every threshold held in complete runs, 99 a threshold was crossed, a rotation or the
database failed, or a run is incomplete or interrupted, in any run (after the report is written),
2 bad usage (missing or malformed directory, malformed --threshold).

Environment: VAULTCTL_FORMAT, VAULTCTL_REPORT_OUT, VAULTCTL_THRESHOLDS ("expr; expr").

Examples:
  vaultctl report vaultctl-results/20250101-120000-local-quickstart
  vaultctl report results/before results/after
  vaultctl report results/run --format junit --out junit.xml
  vaultctl report results/run --format json | jq '.runs[0].verdict'
  vaultctl report results/run --threshold 'rollout.failure_rate < 1%' --threshold 'rollout.downtime <= 2s'`)
    .action(async (dirs: string[], _opts: unknown, cmd: Command) => {
      const opts = cmd.opts<{ format: ReportFormat; out?: string; threshold?: string[] }>();
      // Loaded when run, so `--help` and other commands start fast.
      const { report } = await import('../../app/report.js');
      await report(rt, { dirs, format: opts.format, out: opts.out, thresholds: opts.threshold ?? [],
        version: deps.version });
    });
}

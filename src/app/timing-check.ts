import { estimateRollout, timingRisks, type TimingContext, type TimingRisk } from '../analysis/timing-risks.js';
import { ConfigError, type ConfigIssue } from '../errors/errors.js';
import { formatDuration } from '../scenario/duration.js';
import { loadScenarioFile, type ReadTextFile } from '../scenario/loader.js';
import { locatorFor } from '../scenario/locate.js';
import type { Scenario } from '../scenario/model.js';
import type { StackConfig } from '../stack/stack-config.js';

/** `⚠ delivery.refreshInterval: … — fix: …` for warnings, `✗ …` for dangers; one line each. */
export function formatTimingRisks(risks: readonly TimingRisk[]): string[] {
  return risks.map((r) => `${r.severity === 'danger' ? '✗ danger' : '⚠'} ${r.path}: ${r.message} — fix: ${r.fix} (${r.id})`);
}

/** `Timing of FILE (name): 1 danger, 2 warnings; rollout estimate ~2.2s`, or the all-clear. */
export function timingHeadline(s: Scenario, risks: readonly TimingRisk[]): string {
  const rollout = estimateRollout(s);
  const est = rollout.ms > 0 ? `; rollout estimate ~${formatDuration(rollout.ms)}` : '; rotations roll nothing';
  if (risks.length === 0) return `✓ Timing of ${s.source} (${s.name}): no timing risks${est}`;
  const dangers = risks.filter((r) => r.severity === 'danger').length;
  const warnings = risks.length - dangers;
  const counts = [dangers ? `${dangers} danger${dangers === 1 ? '' : 's'}` : '', warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : '']
    .filter(Boolean).join(', ');
  return `• Timing of ${s.source} (${s.name}): ${counts}${est}`;
}

/**
 * The lines rotate-test prints before a run: nothing for a safe scenario, else the headline and
 * one line per risk (the analysis needs no cluster).
 */
export function scenarioTimingLines(s: Scenario, ctx?: TimingContext): string[] {
  const risks = timingRisks(s, ctx);
  const knobs = (s.warnings ?? []).map((w) => `  ⚠ ${s.source}:${w.line}:${w.col} ${w.path}: ${w.message}`);
  return risks.length === 0 ? knobs : [timingHeadline(s, risks), ...formatTimingRisks(risks).map((l) => `  ${l}`), ...knobs];
}

/** The context a scenario's analysis gets: for the kubernetes target, the lab's login-token TTL. */
export function timingContextFor(s: Scenario, cfg?: StackConfig): TimingContext {
  return s.target === 'kubernetes' && cfg ? { authTokenTtlMs: cfg.vault.tokenTtlMs } : {};
}

/** The outcome of one scenario's timing check. */
export interface ScenarioTimingOutcome {
  scenario: Scenario;
  risks: TimingRisk[];
  /** Headline, then one line per risk. */
  lines: string[];
  /** Each danger located in the file (file:line:col of its key, or of the map that would hold it). */
  dangers: ConfigIssue[];
}

/**
 * A doctor check that needs no lab: it runs before prerequisites and lab checks. `run` gets the
 * lab config (for the kubernetes target's token TTL); it throws ConfigError for an invalid file
 * and UsageError for a missing one.
 */
export interface ScenarioCheck {
  title: string;
  run(cfg?: StackConfig): Promise<ScenarioTimingOutcome>;
}

/** What a scenario timing check reads files with. */
export interface ScenarioTimingDeps {
  readFile: ReadTextFile;
}

/** `vaultctl doctor --scenario FILE`: loads FILE and analyses its timing. */
export function scenarioTimingCheck(file: string, deps: ScenarioTimingDeps): ScenarioCheck {
  return {
    title: `Timing of ${file}`,
    async run(cfg) {
      let text = '';
      const scenario = await loadScenarioFile(file, async (p) => (text = await deps.readFile(p)));
      const risks = timingRisks(scenario, timingContextFor(scenario, cfg));
      const lines = [timingHeadline(scenario, risks), ...formatTimingRisks(risks).map((l) => `  ${l}`)];
      return { scenario, risks, lines, dangers: locateDangers(text, file, risks) };
    },
  };
}

/**
 * Runs every scenario check, printing each one's lines through `log`. Invalid files are reported
 * together as one ConfigError (exit 104) after every file was tried; with `strict`, dangers are
 * too (exit 104). Warnings never change the outcome.
 */
export async function runScenarioChecks(checks: readonly ScenarioCheck[], opts: {
  cfg?: StackConfig; log: (line: string) => void; strict: boolean;
}): Promise<ScenarioTimingOutcome[]> {
  const outcomes: ScenarioTimingOutcome[] = [];
  const invalid: ConfigIssue[] = [];
  for (const check of checks) {
    try {
      const o = await check.run(opts.cfg);
      o.lines.forEach((l) => opts.log(l));
      outcomes.push(o);
    } catch (err) {
      if (err instanceof ConfigError) invalid.push(...err.issues);
      else throw err;
    }
  }
  if (invalid.length > 0) {
    throw new ConfigError(invalid, 'fix the errors above; `vaultctl validate FILE` checks scenario files on their own');
  }
  const dangers = outcomes.flatMap((o) => o.dangers);
  if (opts.strict && dangers.length > 0) {
    throw new ConfigError(dangers, 'apply the fixes above, or drop --strict (VAULTCTL_STRICT) to report dangers without failing', 'scenario timing (--strict)');
  }
  return outcomes;
}

/** Positions of the dangers' keys in the file, for --strict's file:line:col errors. */
function locateDangers(text: string, file: string, risks: readonly TimingRisk[]): ConfigIssue[] {
  const locate = locatorFor(text);
  return risks.filter((r) => r.severity === 'danger').map((r) => ({
    file, ...locate.value(r.path.split('.')), path: r.path, message: `${r.message} (fix: ${r.fix})`,
  }));
}

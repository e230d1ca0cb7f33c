import type { StackConfig } from '../stack-config.js';
import type { HelmRelease } from './types.js';
import type { LabStrategy } from '../strategies/lab-strategy.js';
import { reloaderRelease } from './reloader.js';

/** Run-time inputs of the Helm releases that must not live in a file. */
export interface HelmSecrets {
  /** Root token of Vault's dev server, generated per bootstrap (never the chart's default "root"). */
  vaultDevRootToken: string;
}

/**
 * The three base charts in install order: Vault, External Secrets Operator, Wave (or Stakater
 * Reloader, `cfg.reloader`), then each strategy's charts. Static values are in
 * manifests/values/*.yaml; what depends on the config or the run is in `set`. The Vault release carries every strategy's {@link LabStrategy.vaultChartSet}
 * (the injector, the CSI provider), so one install of the Vault chart serves them all.
 */
export function helmReleases(cfg: StackConfig, secrets: HelmSecrets, strategies: readonly LabStrategy[] = []): HelmRelease[] {
  if (!/^[A-Za-z0-9._-]+$/.test(secrets.vaultDevRootToken)) {
    // helm's --set splits on "," and "=" and interprets "{", "[" and "\": keep the token plain.
    throw new Error('the Vault dev root token may only contain letters, digits, ".", "_" and "-"');
  }
  const { vault, eso } = cfg.charts;
  const release = (c: StackConfig['charts']['vault'], valuesFile: string, set: Record<string, string>): HelmRelease => ({
    name: c.release,
    namespace: c.namespace,
    repoName: c.chart.split('/')[0],
    repoUrl: c.repo,
    chart: c.chart,
    version: c.version,
    valuesFile,
    set,
  });
  return [
    release(vault, 'manifests/values/vault.yaml', vaultChartSet(cfg, strategies, {
      'server.dev.devRootToken': secrets.vaultDevRootToken,
      'server.service.nodePort': String(cfg.vaultNodePort),
    })),
    release(eso, 'manifests/values/external-secrets.yaml', {}),
    // Wave, or Stakater Reloader in its place (cfg.reloader): never both in one lab.
    reloaderRelease(cfg, release),
    ...strategies.flatMap((s) => s.releases(cfg)),
  ];
}

/**
 * The Vault release's `--set` values: the base ones, then each strategy's, in order. Two that set
 * one key to different values cannot both be served by one release: that is an error, not a silent win.
 */
export function vaultChartSet(cfg: StackConfig, strategies: readonly LabStrategy[], base: Record<string, string>): Record<string, string> {
  const out = { ...base };
  const from: Record<string, string> = Object.fromEntries(Object.keys(base).map((k) => [k, 'the base lab']));
  for (const s of strategies) {
    for (const [key, value] of Object.entries(s.vaultChartSet(cfg))) {
      if (key in out && out[key] !== value) {
        throw new Error(`strategy ${s.name} sets the Vault chart's ${key} to "${value}", but ${from[key]} sets it to "${out[key]}"`);
      }
      out[key] = value;
      from[key] ??= `strategy ${s.name}`;
    }
  }
  return out;
}

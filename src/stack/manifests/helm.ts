import type { StackConfig } from '../stack-config.js';
import type { HelmRelease } from './types.js';

/** Run-time inputs of the Helm releases that must not live in a file. */
export interface HelmSecrets {
  /** Root token of Vault's dev server, generated per bootstrap (never the chart's default "root"). */
  vaultDevRootToken: string;
}

/**
 * The three charts in install order: Vault, External Secrets Operator, Wave. Static values are in
 * manifests/values/*.yaml; what depends on the config or the run is in `set`.
 */
export function helmReleases(cfg: StackConfig, secrets: HelmSecrets): HelmRelease[] {
  if (!/^[A-Za-z0-9._-]+$/.test(secrets.vaultDevRootToken)) {
    // helm's --set splits on "," and "=" and interprets "{", "[" and "\": keep the token plain.
    throw new Error('the Vault dev root token may only contain letters, digits, ".", "_" and "-"');
  }
  const { vault, eso, wave } = cfg.charts;
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
    release(vault, 'manifests/values/vault.yaml', {
      'server.dev.devRootToken': secrets.vaultDevRootToken,
      'server.service.nodePort': String(cfg.vaultNodePort),
    }),
    release(eso, 'manifests/values/external-secrets.yaml', {}),
    release(wave, 'manifests/values/wave.yaml', {}),
  ];
}

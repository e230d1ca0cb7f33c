import { stringify } from 'yaml';
import type { StackConfig } from '../stack-config.js';
import { renderDemoApp } from './demo-app.js';
import { renderEsoResources } from './eso.js';
import { renderPostgres } from './postgres.js';
import type { KubeObject } from './types.js';

/** The run-time inputs of every manifest: the Postgres admin password and the demo app bundle. */
export interface ManifestSecrets {
  adminPassword: string;
  bundle: string;
}

/**
 * Every Kubernetes object vaultctl applies (charts aside), in apply order: Namespaces first (once
 * each, even when Postgres and the app share one), then Postgres, the ESO objects, the demo app.
 */
export function renderAllManifests(cfg: StackConfig, secrets: ManifestSecrets): KubeObject[] {
  const all = [
    ...renderPostgres(cfg, { adminPassword: secrets.adminPassword }),
    ...renderEsoResources(cfg),
    ...renderDemoApp(cfg, { bundle: secrets.bundle }),
  ];
  const namespaces = all.filter((o) => o.kind === 'Namespace');
  const unique = namespaces.filter((o, i) => namespaces.findIndex((x) => x.metadata.name === o.metadata.name) === i);
  return [...unique, ...all.filter((o) => o.kind !== 'Namespace')];
}

/** Objects (KubeObjects, or the kind config) as one multi-document YAML stream (`---` between documents). */
export function toYaml(objects: readonly object[]): string {
  // lineWidth 0: never fold long lines (the bundle, commands), so the text diff stays readable.
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

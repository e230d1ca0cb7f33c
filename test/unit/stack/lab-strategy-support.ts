import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { KubeObject } from '../../../src/stack/manifests/index.js';

/* What the tests of the lab strategies (src/stack/strategies/*) share. */

/** The repository root, for reading values files. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Stands in for the bundled demo app in the ConfigMap. */
export const BUNDLE = '// demo app bundle placeholder\n';

/** kubernetes-models' class for each core kind a strategy applies, by `apiVersion/kind`. */
export const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace, 'v1/ServiceAccount': ServiceAccount, 'v1/ConfigMap': ConfigMap,
  'v1/Service': Service, 'apps/v1/Deployment': Deployment,
};

/** The one object of `kind` in `objs` (fails the test when there are none or several). */
export function findOne(objs: KubeObject[], kind: string): KubeObject & Record<string, any> {
  const found = objs.filter((o) => o.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0] as KubeObject & Record<string, any>;
}

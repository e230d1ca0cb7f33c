/** A Kubernetes object as plain data, ready for server-side apply or YAML. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** One `helm upgrade --install`, in the order the pipeline runs them. */
export interface HelmRelease {
  name: string;
  namespace: string;
  /** Name for `helm repo add <repoName> <repoUrl>`; the chart is `<repoName>/<chart name>`. */
  repoName: string;
  repoUrl: string;
  /** Chart reference as helm takes it, e.g. `hashicorp/vault`. */
  chart: string;
  version: string;
  /** Values file (`-f`), relative to the package root, e.g. `manifests/values/vault.yaml`. */
  valuesFile: string;
  /**
   * `--set key=value` pairs for values that depend on the config or the run. May hold a secret
   * (Vault's dev root token): register it for redaction before printing a command line.
   */
  set: Record<string, string>;
}

/** Labels every object vaultctl renders carries (for listing and teardown). */
export function labels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'vaultctl', 'app.kubernetes.io/managed-by': 'vaultctl' };
}

/** A Namespace object labelled as vaultctl's. */
export function namespaceObject(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'app.kubernetes.io/part-of': 'vaultctl', 'app.kubernetes.io/managed-by': 'vaultctl' } } };
}

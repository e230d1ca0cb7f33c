/**
 * A stateful cluster behind a {@link FakeCommandRunner}, for the stack's install and removal
 * commands: Helm releases, namespaces, CRDs that a release owns, and namespaced custom objects
 * with finalizers. It follows the API server's deletion rules: an object with finalizers is only
 * marked deleting (deletionTimestamp) until they are removed; a namespace stays Terminating while
 * any of its objects is left; deleting a CRD deletes its objects the same way and the CRD lasts
 * until they are gone. A release may run a controller that removes its finalizers from objects
 * being deleted — ESO's, as external-secrets/external-secrets@v2.9.0 does it: the ExternalSecret
 * reconciler adds `externalsecrets.external-secrets.io/externalsecret-cleanup` on every reconcile
 * and removes it only when the object is being deleted (pkg/controllers/externalsecret/
 * externalsecret_controller.go L73, L233, L244). Its CRDs are templates of the chart
 * (helm-chart-2.9.0 deploy/charts/external-secrets/templates/crds/, hack/helm.generate.sh), so
 * `helm uninstall` deletes them and stops the controller.
 *
 * Time passes one tick per command; a controller acts on an object `lag` ticks after its deletion
 * started, so a caller that polls sees the object at least once before it goes.
 */
import { parseAllDocuments } from 'yaml';
import type { FakeCommandRunner } from './fake-command-runner.js';

/** ESO v2.9.0's ExternalSecret finalizer (see above). */
export const ESO_FINALIZER = 'externalsecrets.external-secrets.io/externalsecret-cleanup';

/** The ESO CRDs of the chart that the lab uses, by kind (config/crds/bases/ at v2.9.0). */
export const ESO_CRDS: Record<string, string> = {
  ExternalSecret: 'externalsecrets.external-secrets.io',
  PushSecret: 'pushsecrets.external-secrets.io',
  SecretStore: 'secretstores.external-secrets.io',
  VaultDynamicSecret: 'vaultdynamicsecrets.generators.external-secrets.io',
  GeneratorState: 'generatorstates.generators.external-secrets.io',
};

/** What a chart brings: CRDs (kind -> CRD name) and the finalizers its controller adds and removes. */
export interface ChartBehaviour {
  crds: Record<string, string>;
  finalizers: Record<string, string>;
  /** The CRDs are in the chart's crds/ folder: `helm uninstall` leaves them (and their objects). */
  keepsCrds?: boolean;
  /** A pre-delete hook removes the controller's finalizers from objects in the release's own namespace only. */
  preDeleteInOwnNamespace?: boolean;
}

/**
 * VSO's chart 1.4.1 (hashicorp/vault-secrets-operator@v1.4.1): CRDs in chart/crds/ (kept by helm
 * uninstall), finalizers `<kind>.secrets.hashicorp.com/finalizer` (controllers/vaultauth_controller.go
 * L33, vaultdynamicsecret_controller.go L44), and a pre-delete hook that removes them in the
 * operator's namespace only (chart/templates/deployment.yaml L187-210, controllers/common.go L126-130).
 */
export const VSO_CHART: ChartBehaviour = {
  crds: { VaultDynamicSecret: 'vaultdynamicsecrets.secrets.hashicorp.com', VaultAuth: 'vaultauths.secrets.hashicorp.com' },
  finalizers: { VaultDynamicSecret: 'vaultdynamicsecret.secrets.hashicorp.com/finalizer', VaultAuth: 'vaultauth.secrets.hashicorp.com/finalizer' },
  keepsCrds: true,
  preDeleteInOwnNamespace: true,
};

/** ESO's chart as the lab installs it (`installCRDs: true`). */
export const ESO_CHART: ChartBehaviour = { crds: ESO_CRDS, finalizers: { ExternalSecret: ESO_FINALIZER } };

export interface FakeObject {
  kind: string;
  apiVersion: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  finalizers: string[];
  /** Ticks since deletion started; undefined while not being deleted. */
  deleting?: number;
}

interface Release { namespace: string; chart: ChartBehaviour; running: boolean }

export class FakeCluster {
  readonly releases = new Map<string, Release>();
  readonly namespaces = new Map<string, 'Active' | 'Terminating'>();
  readonly crds = new Map<string, string>();
  /** CRDs a chart left behind on uninstall (crds/ folder). */
  private readonly keptCrds = new Set<string>();
  objects: FakeObject[] = [];

  /** `charts`: what `helm upgrade --install` of a release name brings. */
  constructor(runner: FakeCommandRunner, private readonly charts: Record<string, ChartBehaviour> = {}, private readonly lag = 1) {
    this.attach(runner);
  }

  /** Answers `runner`'s helm and kubectl commands from this cluster (a second command sees the same cluster). */
  attach(runner: FakeCommandRunner): void {
    runner.on(['helm', 'status'], (argv) => { this.tick(); return this.helmStatus(argv); });
    runner.on(['helm', 'upgrade', '--install'], (argv) => { this.tick(); this.install(argv[3], flag(argv, '--namespace')); return {}; });
    runner.on(['helm', 'uninstall'], (argv) => { this.tick(); return this.uninstall(argv[2]); });
    runner.on(['kubectl', 'apply'], (_argv, opts) => { this.tick(); return this.apply(opts.input ?? ''); });
    runner.on(['kubectl', 'get'], (argv) => { this.tick(); return this.get(strip(argv)); });
    runner.on(['kubectl', 'delete'], (argv) => { this.tick(); return this.delete(strip(argv)); });
  }

  /** Installs a release as `helm upgrade --install` would (its controller running). */
  install(name: string, namespace: string, chart = this.charts[name] ?? { crds: {}, finalizers: {} }): void {
    this.releases.set(name, { namespace, chart, running: true });
    this.namespaces.set(namespace, this.namespaces.get(namespace) ?? 'Active');
    for (const [kind, crd] of Object.entries(chart.crds)) this.crds.set(crd, kind);
  }

  /** Stops a release's controller (a crash loop) without uninstalling anything. */
  stopController(name: string): void {
    const r = this.releases.get(name);
    if (r) r.running = false;
  }

  /** Adds an object as its controller would have left it (finalizers included). */
  add(o: Omit<FakeObject, 'labels' | 'finalizers' | 'deleting'> & Partial<FakeObject>): void {
    this.namespaces.set(o.namespace, this.namespaces.get(o.namespace) ?? 'Active');
    this.objects.push({ labels: {}, finalizers: [], ...o, deleting: undefined });
  }

  /** What `kubectl patch ... -p '{"metadata":{"finalizers":null}}'` does. */
  clearFinalizers(name: string): void {
    for (const o of this.objects) if (o.name === name) o.finalizers = [];
    this.collect();
  }

  private tick(): void {
    for (const o of this.objects) {
      if (o.deleting === undefined) continue;
      o.deleting++;
      const owner = [...this.releases.values()].find((r) => r.running && owns(r.chart, o) && r.chart.finalizers[o.kind]);
      if (owner && o.deleting > this.lag) o.finalizers = o.finalizers.filter((f) => f !== owner.chart.finalizers[o.kind]);
    }
    this.collect();
  }

  /** Removes objects whose deletion can finish, then CRDs and namespaces left empty. */
  private collect(): void {
    this.objects = this.objects.filter((o) => o.deleting === undefined || o.finalizers.length > 0);
    for (const [crd, kind] of [...this.crds]) {
      const owned = [...this.releases.values()].some((r) => r.chart.crds[kind] === crd);
      if (!owned && !this.keptCrds.has(crd) && !this.objects.some((o) => this.crdOf(o) === crd)) this.crds.delete(crd);
    }
    for (const [ns, phase] of [...this.namespaces]) {
      if (phase === 'Terminating' && !this.objects.some((o) => o.namespace === ns)) this.namespaces.delete(ns);
    }
  }

  private markDeleting(match: (o: FakeObject) => boolean): FakeObject[] {
    const hit = this.objects.filter(match);
    for (const o of hit) o.deleting ??= 0;
    this.collect();
    return hit;
  }

  private helmStatus(argv: string[]) {
    const r = this.releases.get(argv[2]);
    if (!r) return { exitCode: 1, stderr: 'Error: release: not found' };
    return { stdout: JSON.stringify({ name: argv[2], namespace: r.namespace, info: { status: 'deployed' } }) };
  }

  private uninstall(name: string) {
    const r = this.releases.get(name);
    if (!r) return { exitCode: 1, stderr: `Error: uninstall: Release not loaded: ${name}: release: not found` };
    if (r.chart.preDeleteInOwnNamespace) {
      for (const o of this.objects) {
        if (o.namespace === r.namespace && owns(r.chart, o)) o.finalizers = o.finalizers.filter((f) => f !== r.chart.finalizers[o.kind]);
      }
    }
    this.releases.delete(name);
    if (r.chart.keepsCrds) {
      for (const crd of Object.values(r.chart.crds)) this.keptCrds.add(crd);
      this.collect();
      return { stdout: `release "${name}" uninstalled` };
    }
    // The chart's CRDs are deleted with it; the API server then deletes every object of them.
    this.markDeleting((o) => owns(r.chart, o));
    return { stdout: `release "${name}" uninstalled` };
  }

  private apply(yaml: string) {
    for (const doc of parseAllDocuments(yaml)) {
      const o = doc.toJS() as { kind: string; apiVersion: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } } | null;
      if (!o) continue;
      if (o.kind === 'Namespace') { this.namespaces.set(o.metadata.name, this.namespaces.get(o.metadata.name) ?? 'Active'); continue; }
      if (!this.crds.has(this.crdOf({ kind: o.kind, apiVersion: o.apiVersion }))) continue;
      const ns = o.metadata.namespace ?? 'default';
      if (this.namespaces.get(ns) === 'Terminating') return { exitCode: 1, stderr: `Error from server (Forbidden): namespace ${ns} is being terminated` };
      if (this.objects.some((x) => x.kind === o.kind && x.namespace === ns && x.name === o.metadata.name)) continue;
      // A running controller adds its finalizer on its first reconcile.
      const owner = [...this.releases.values()].find((r) => r.running && owns(r.chart, o) && r.chart.finalizers[o.kind]);
      this.add({ kind: o.kind, apiVersion: o.apiVersion, namespace: ns, name: o.metadata.name, labels: o.metadata.labels ?? {},
        finalizers: owner ? [owner.chart.finalizers[o.kind]] : [] });
    }
    return {};
  }

  private get(argv: string[]) {
    const what = argv[2];
    if (what === 'customresourcedefinition') {
      const names = argv.slice(3).filter((a) => !a.startsWith('--') && a !== 'name');
      return { stdout: names.filter((n) => this.crds.has(n)).map((n) => `customresourcedefinition.apiextensions.k8s.io/${n}`).join('\n') };
    }
    if (what.startsWith('namespace/')) return { stdout: this.namespaces.has(what.slice(10)) ? what : '' };
    // Built-in kinds (secrets, pods, ...) are not modelled: absent, as `--ignore-not-found` prints it.
    if (!what.includes('.')) return { stdout: '' };
    const crds = this.crdsOf(what);
    if (!Array.isArray(crds)) return crds;
    const items = this.select(argv, crds).map((o) => ({
      apiVersion: o.apiVersion, kind: o.kind,
      metadata: { name: o.name, namespace: o.namespace, labels: o.labels, finalizers: o.finalizers,
        ...(o.deleting !== undefined ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    }));
    return { stdout: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) };
  }

  private delete(argv: string[]) {
    if (argv[2] === 'namespace') return this.deleteNamespace(argv[3], flag(argv, '--timeout'));
    if (!argv[2].includes('.')) return {};
    const crds = this.crdsOf(argv[2]);
    if (!Array.isArray(crds)) return crds;
    const hit = this.markDeleting((o) => this.select(argv, crds).includes(o));
    return { stdout: hit.map((o) => `${o.kind.toLowerCase()} "${o.name}" deleted`).join('\n') };
  }

  /** `kubectl delete namespace --wait --timeout`: waits for the content while controllers act. */
  private deleteNamespace(name: string, timeout: string) {
    if (!this.namespaces.has(name)) return {};
    this.namespaces.set(name, 'Terminating');
    this.markDeleting((o) => o.namespace === name);
    for (let i = 0; i <= this.lag && this.namespaces.has(name); i++) this.tick();
    if (!this.namespaces.has(name)) return { stdout: `namespace "${name}" deleted` };
    return { exitCode: 1, stdout: `namespace "${name}" deleted`, stderr: `error: timed out waiting for the condition on namespaces/${name} (--timeout=${timeout})` };
  }

  /** The served CRD of an object (`<plural>.<group>`), matched by kind and group. */
  private crdOf(o: Pick<FakeObject, 'kind' | 'apiVersion'>): string {
    const group = o.apiVersion.split('/')[0];
    const hit = [...this.crds].find(([crd, kind]) => kind === o.kind && groupOfCrd(crd) === group);
    return hit ? hit[0] : `${o.kind.toLowerCase()}s.${group}`;
  }

  private crdsOf(types: string): string[] | { exitCode: number; stderr: string } {
    const crds = types.split(',');
    const missing = crds.find((t) => !this.crds.has(t));
    if (missing) return { exitCode: 1, stderr: `error: the server doesn't have a resource type "${missing}"` };
    return crds;
  }

  private select(argv: string[], crds: string[]): FakeObject[] {
    const ns = flag(argv, '--namespace');
    const sel = flag(argv, '--selector');
    const [k, v] = sel ? sel.split('=') : [];
    return this.objects.filter((o) => crds.includes(this.crdOf(o)) && o.namespace === ns && (!k || o.labels[k] === v));
  }
}

/** Two groups may have one kind (ESO's and VSO's VaultDynamicSecret): a chart owns an object by kind and group. */
function owns(chart: ChartBehaviour, o: Pick<FakeObject, 'kind' | 'apiVersion'>): boolean {
  const crd = chart.crds[o.kind];
  return crd !== undefined && groupOfCrd(crd) === o.apiVersion.split('/')[0];
}

function groupOfCrd(crd: string): string {
  return crd.slice(crd.indexOf('.') + 1);
}

/** argv without `--context X`, as scripts see it. */
function strip(argv: string[]): string[] {
  return argv.filter((a, i) => a !== '--context' && argv[i - 1] !== '--context');
}

function flag(argv: string[], name: string): string {
  const i = argv.indexOf(name);
  if (i >= 0) return argv[i + 1];
  return argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1) ?? '';
}

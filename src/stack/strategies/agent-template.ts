import type { StackConfig } from '../stack-config.js';
import { renderDemoApp } from '../manifests/demo-app.js';
import { stackNames } from '../manifests/names.js';
import { labels, type KubeObject } from '../manifests/types.js';
import { mountPath } from '../vault-database-engine.js';
import type { LabStrategy, LabWait } from './lab-strategy.js';
import { strategyCredsPath } from './creds-path.js';
import { labAppPorts } from './ports.js';

/*
 * `agent-template`: the Vault chart's agent injector (hashicorp/vault-helm@v0.34.1, vault-k8s 1.7.6)
 * adds a `vault-agent-init` init container and a `vault-agent` sidecar to every pod carrying the
 * annotations below. The agent renders the database credentials into /vault/secrets/db as the JSON
 * the demo app reads (CREDENTIALS_FILE, src/demo-app/server.ts), renews the lease, and when it
 * fetches new credentials re-renders the file and sends the app SIGHUP (no rollout).
 * Facts: ../shared/reference/delivery-strategies.md §2; annotation names from hashicorp/vault-k8s@v1.7.6
 * agent-inject/agent/annotations.go.
 */

const NAME = 'agent-template' as const;
const PREFIX = 'vault.hashicorp.com';
/** The secret's name in the annotations: the agent writes it to `/vault/secrets/<name>` (vault-k8s container_volume.go `secretVolumePath`). */
export const AGENT_SECRET_NAME = 'db';
export const AGENT_CREDENTIALS_FILE = `/vault/secrets/${AGENT_SECRET_NAME}`;
/** The ServiceAccount the demo app copy runs as and the Vault role is bound to. */
export const AGENT_SERVICE_ACCOUNT = 'demo-app';
/** The pod annotation the injector sets on a pod it mutated (vault-k8s@v1.7.6 agent.go Patch: `agent-inject-status: injected`). */
export const AGENT_INJECT_STATUS = `${PREFIX}/agent-inject-status`;
/** The sidecar's container name (vault-k8s@v1.7.6 container_sidecar.go), appended after the app's containers. */
export const AGENT_SIDECAR = 'vault-agent';

/** Vault path of the credentials: `<databaseMount>/creds/<role>-agent-template`. */
export function agentCredsPath(cfg: StackConfig): string {
  return strategyCredsPath(cfg, NAME);
}

/**
 * consul-template text that writes `{"username":…,"password":…}`. A database creds response keeps its
 * fields under `.Data` (not `.Data.data` as KV v2); `toJSON` quotes and escapes each value
 * (hashicorp/consul-template@v0.42.1 template/funcs.go `toJSON`). Trimmed so the file is one JSON line.
 */
export function credentialsTemplate(credsPath: string): string {
  return `{{- with secret "${credsPath}" -}}{"username":{{ .Data.username | toJSON }},"password":{{ .Data.password | toJSON }}}{{- end -}}`;
}

/** The injector annotations on the demo app's pod template. */
export function agentAnnotations(cfg: StackConfig): Record<string, string> {
  const s = AGENT_SECRET_NAME;
  return {
    [`${PREFIX}/agent-inject`]: 'true',
    [`${PREFIX}/role`]: roleName(),
    // The injector's default is the chart's `injector.authPath` (auth/kubernetes); the lab's mount is configurable.
    [`${PREFIX}/auth-path`]: `auth/${mountPath(cfg.vault.kubernetesAuthMount)}`,
    // Init container and sidecar share a persistent cache, so the sidecar reuses the init container's
    // lease instead of minting a second one at start (vault-k8s#162; annotations.go cachePersist).
    [`${PREFIX}/agent-cache-enable`]: 'true',
    [`${PREFIX}/agent-inject-secret-${s}`]: agentCredsPath(cfg),
    [`${PREFIX}/agent-inject-template-${s}`]: credentialsTemplate(agentCredsPath(cfg)),
    // The command runs in the agent container: it sees node only with a shared PID namespace, and may
    // signal it only as the same UID (hashicorp/vault-k8s#196). `|| true`: the init container renders
    // the file before the app exists, so pkill finds nothing there. The agent image is alpine-based
    // (hashicorp/vault Dockerfile `FROM alpine:3`), busybox has pkill; not checked on the 2.0.4 tag.
    [`${PREFIX}/agent-share-process-namespace`]: 'true',
    [`${PREFIX}/agent-run-as-same-user`]: 'true',
    [`${PREFIX}/agent-inject-command-${s}`]: "sh -c 'pkill -HUP node || true'",
  };
}

function roleName(): string {
  return `vaultctl-${NAME}`;
}

/** The seconds one kubectl attempt may block, as the base lab's waits (bootstrap/wait.ts attemptSeconds). */
function attempt(cfg: StackConfig): string {
  return `--timeout=${Math.max(1, Math.round(cfg.waits.intervalMs / 1000))}s`;
}

/**
 * `agent-run-as-same-user` takes the agent's UID from `containers[0].securityContext.runAsUser` and
 * rejects the pod without it (vault-k8s@v1.7.6 annotations.go runAsSameID); the demo app sets its UID
 * on the pod, so the copy states it on the container too.
 */
function withContainerUid(deployment: KubeObject): KubeObject {
  const copy = structuredClone(deployment) as KubeObject & { spec: { template: { spec: PodSpecUids } } };
  const pod = copy.spec.template.spec;
  pod.containers[0].securityContext = { ...pod.containers[0].securityContext, runAsUser: pod.securityContext.runAsUser };
  return copy;
}

/** The part of the demo app's pod spec {@link withContainerUid} reads and writes. */
interface PodSpecUids {
  securityContext: { runAsUser: number };
  containers: Array<{ securityContext?: Record<string, unknown> }>;
}

export const agentTemplateStrategy: LabStrategy = {
  name: NAME,
  namespace: () => `vaultctl-${NAME}`,
  releases: () => [],
  // The base values file sets injector.enabled=false (manifests/values/vault.yaml); the chart's
  // webhook keeps failurePolicy Ignore (vault-helm@v0.34.1 values.yaml injector.webhook.failurePolicy).
  vaultChartSet: () => ({ 'injector.enabled': 'true' }),
  vaultRole: (cfg) => ({
    role: roleName(),
    serviceAccount: AGENT_SERVICE_ACCOUNT,
    namespace: agentTemplateStrategy.namespace(cfg),
    policy: roleName(),
    paths: {
      [agentCredsPath(cfg)]: ['read'],
      // The agent renews the lease with PUT sys/leases/renew (consul-template's LifetimeWatcher, facts §2).
      'sys/leases/renew': ['update'],
    },
  }),
  before: (cfg): LabWait[] => {
    const n = stackNames(cfg);
    return [
      {
        // The webhook's failurePolicy is Ignore: a pod created while the injector is down starts without the agent.
        title: 'Vault agent injector ready',
        kubectl: ['rollout', 'status', `deployment/${n.vaultService}-agent-injector`, '--namespace', cfg.charts.vault.namespace, attempt(cfg)],
      },
      {
        // The injector generates its TLS certificate and patches the CA into the webhook after it starts
        // (vault-k8s@v1.7.6 subcommand/injector/command.go updateCABundle); until then the API server cannot
        // call it. An empty caBundle is omitted from the object, so the lookup fails until it is set.
        title: 'Vault agent injector webhook has its CA bundle',
        kubectl: ['get', 'mutatingwebhookconfiguration', `${n.vaultService}-agent-injector-cfg`, '--output', 'jsonpath={.webhooks[0].clientConfig.caBundle}', '--allow-missing-template-keys=false'],
      },
    ];
  },
  objects: (cfg, inputs) => {
    const ns = agentTemplateStrategy.namespace(cfg);
    const [namespace, ...app] = renderDemoApp(cfg, inputs, {
      namespace: ns,
      // No Wave: a rotation reaches this copy as a file change and SIGHUP, never as a rollout.
      annotations: {},
      // Its own NodePort, published by kind on its own host port: load reaches every pod (strategies/ports.ts).
      nodePort: labAppPorts(cfg, 'agent-template').nodePort,
      serviceAccountName: AGENT_SERVICE_ACCOUNT,
      credentialsFile: AGENT_CREDENTIALS_FILE,
      podAnnotations: agentAnnotations(cfg),
    });
    const serviceAccount: KubeObject = {
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: AGENT_SERVICE_ACCOUNT, namespace: ns, labels: labels('demo-app') },
    };
    return [namespace, serviceAccount, ...app.map((o) => (o.kind === 'Deployment' ? withContainerUid(o) : o))];
  },
  after: (cfg): LabWait[] => {
    const ns = agentTemplateStrategy.namespace(cfg);
    const n = stackNames(cfg);
    return [
      { title: `demo app rolled out in ${ns}`, kubectl: ['rollout', 'status', `deployment/${n.appDeployment}`, '--namespace', ns, attempt(cfg)] },
      {
        title: `demo app pods in ${ns} carry the Vault agent`,
        kubectl: ['wait', 'pod', '--selector', 'app.kubernetes.io/name=demo-app', '--namespace', ns,
          `--for=jsonpath={.spec.containers[1].name}=${AGENT_SIDECAR}`, attempt(cfg)],
      },
    ];
  },
};

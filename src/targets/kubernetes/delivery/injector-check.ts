import type { EventSink } from '../../../ports/events.js';
import type { KubeApi, KubePod } from '../../../ports/kube.js';
import { AGENT_INJECT_STATUS, AGENT_SIDECAR } from '../../../stack/lab.js';
import { startWatchLoop } from '../watch-loop.js';
import { abortableSleep } from '../../../runtime/timers.js';
import type { Observer } from './kube-delivery.js';

/**
 * Whether the Vault Agent injector mutated a pod: it sets `vault.hashicorp.com/agent-inject-status:
 * injected` and appends the `vault-agent` sidecar (hashicorp/vault-k8s@v1.7.6 agent-inject/agent/agent.go
 * Patch, container_sidecar.go). The chart's webhook has failurePolicy Ignore
 * (hashicorp/vault-helm@v0.34.1 values.yaml injector.webhook.failurePolicy), so a pod created while
 * the injector is down starts without the agent and never gets credentials; nothing else says so.
 */
export function injectedByAgent(pod: KubePod): boolean {
  return pod.metadata.annotations?.[AGENT_INJECT_STATUS] === 'injected'
    && (pod.spec?.containers ?? []).some((c) => c.name === AGENT_SIDECAR);
}

/** Watches the app's pods and warns once for each one that runs without the injected agent. */
export async function startInjectorCheck(o: {
  kube: KubeApi; namespace: string; labelSelector: string; events: EventSink; now(): number; signal: AbortSignal; log(line: string): void;
}): Promise<Observer> {
  const stopper = new AbortController();
  const warned = new Set<string>();
  const check = (pod: KubePod) => {
    const name = pod.metadata.name;
    if (warned.has(name) || pod.metadata.deletionTimestamp || injectedByAgent(pod)) return;
    warned.add(name);
    o.events.emit({
      t: o.now(), type: 'warning',
      message: `pod ${name} runs without the Vault agent (no ${AGENT_SIDECAR} container): the injector's webhook ignores failures, ` +
        'so a pod created while the injector was down gets no credentials; check the injector, then delete the pod',
    });
  };
  const loop = startWatchLoop<KubePod>({
    kube: o.kube, path: `/api/v1/namespaces/${o.namespace}/pods`, query: { labelSelector: o.labelSelector },
    list: () => o.kube.listPods(o.namespace, o.labelSelector),
    onList: (items) => items.forEach(check),
    onEvent: (type, pod) => { if (type !== 'DELETED') check(pod); },
    onError: (err) => o.log(`watch of pods for the injector check ended (${err instanceof Error ? err.message : String(err)}); restarting`),
    backoff: { initialMs: 250, maxMs: 5000 }, sleep: abortableSleep, signal: AbortSignal.any([o.signal, stopper.signal]),
  });
  await loop.ready;
  return { stop: async () => { stopper.abort(); await loop.stop(); } };
}

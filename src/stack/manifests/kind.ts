import type { StackConfig } from '../stack-config.js';
import { LAB_STRATEGY_NAMES } from '../strategies/names.js';
import { labAppPorts } from '../strategies/ports.js';

/**
 * The kind node image, pinned by digest: Kubernetes 1.34, because 1.34 is the one minor every
 * component of the lab documents or tests.
 *
 * - kind v0.32.0 (the version .github/workflows/e2e.yml installs) defaults to
 *   `kindest/node:v1.36.1` (kubernetes-sigs/kind@v0.32.0 pkg/apis/config/defaults/image.go) and
 *   pre-built 1.33-1.36 images for that release. kind supports an image only with the release that
 *   built it, by digest (release notes https://github.com/kubernetes-sigs/kind/releases/tag/v0.32.0);
 *   this digest is the v1.34.8 entry of "Pre-built images for Kind v0.32" in
 *   kubernetes-sigs/cluster-api@15f3dc16af test/infrastructure/kind/mapper.go ("Bump to kind
 *   v0.32.0", #13781), next to the v1.36.1 digest kind's own default carries.
 * - Wave 0.11 (chart 4.5.0): client 1.34, "Maximum Supported Kubernetes" 1.34, e2e-tested on 1.28
 *   and 1.34 (wave-k8s/wave@wave-4.5.0 README.md "Compatibility"). 1.35+ is unsupported.
 * - Vault chart 0.34.1: "Kubernetes 1.29+" (README.md); its acceptance tests run kind 1.32.11 to
 *   1.36.1, 1.34.8 among them (hashicorp/vault-helm@v0.34.1 .github/workflows/acceptance.yaml).
 * - ESO 2.9.0: chart `kubeVersion: ">= 1.19.0-0"`; its e2e suite runs on kindest/node v1.33.4
 *   (e2e/Makefile, .github/workflows/e2e.yml); the support table lists 1.35-1.36 for 2.8 and has
 *   no 2.9 row (docs/introduction/stability-support.md, all at external-secrets@v2.9.0). 1.34 lies
 *   between ESO's tested and its listed versions; Wave leaves no later choice.
 * - Postgres is vaultctl's own StatefulSet/Service (apps/v1, v1): any current Kubernetes.
 */
export const KIND_NODE_IMAGE = 'kindest/node:v1.34.8@sha256:02722c2dedddcfc00febf5d27fbeb9b7b2c14294c82109ff4a85d89ac9ba3256';

/** The kind release that built {@link KIND_NODE_IMAGE}; the e2e workflow installs this one. */
export const KIND_VERSION = 'v0.32.0';

/**
 * The kind cluster config: one control-plane node on {@link KIND_NODE_IMAGE} whose NodePorts are
 * published on 127.0.0.1 only (kind requires containerPort == the Service's nodePort; stack-facts A):
 * every lab strategy's demo app copy ({@link labAppPorts}: appNodePort+i -> appHostPort+i), whether
 * or not this bootstrap selects it, then Vault. kind turns each mapping into a `docker run --publish`
 * of the node container when it creates the cluster (kubernetes-sigs/kind@v0.32.0
 * pkg/cluster/internal/providers/docker/provision.go generatePortMappings, createContainer) and has
 * no way to add one later: "if you want to change anything provided by kind config you'll have to
 * recreate" (maintainer, kubernetes-sigs/kind#3668; also #2720). So a strategy added to an existing
 * lab finds its port already mapped. manifests/kind.yaml is this object for the default config.
 */
export function renderKindConfig(cfg: StackConfig): Record<string, unknown> {
  const mapping = (nodePort: number, hostPort: number) => ({ containerPort: nodePort, hostPort, listenAddress: '127.0.0.1', protocol: 'TCP' });
  const apps = LAB_STRATEGY_NAMES.map((s) => labAppPorts(cfg, s)).map((p) => mapping(p.nodePort, p.hostPort));
  return {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name: cfg.clusterName,
    nodes: [
      {
        role: 'control-plane',
        image: KIND_NODE_IMAGE,
        extraPortMappings: [...apps, mapping(cfg.vaultNodePort, cfg.vaultHostPort)],
      },
    ],
  };
}

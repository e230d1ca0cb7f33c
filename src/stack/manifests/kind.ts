import type { StackConfig } from '../stack-config.js';

/**
 * The kind cluster config: one control-plane node whose NodePorts for the demo app and Vault are
 * published on 127.0.0.1 only (kind requires containerPort == the Service's nodePort; stack-facts A).
 * manifests/kind.yaml is this object for the default config.
 */
export function renderKindConfig(cfg: StackConfig): Record<string, unknown> {
  const mapping = (nodePort: number, hostPort: number) => ({ containerPort: nodePort, hostPort, listenAddress: '127.0.0.1', protocol: 'TCP' });
  return {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name: cfg.clusterName,
    nodes: [
      {
        role: 'control-plane',
        extraPortMappings: [mapping(cfg.appNodePort, cfg.appHostPort), mapping(cfg.vaultNodePort, cfg.vaultHostPort)],
      },
    ],
  };
}

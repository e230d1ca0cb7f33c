import type { ServiceEndpoints } from '../../ports/load.js';
import type { ServiceProxy } from './service-proxy.js';

/**
 * The endpoints of the local Service: replica id → loopback port, as both proxy modes keep them.
 * `ports` is rebuilt on every change (in insertion order), so that picking an endpoint per
 * connection or per request allocates nothing.
 */
export class EndpointSet {
  private readonly byId = new Map<string, number>();
  private readonly watchers = new Set<(ports: readonly number[]) => void>();
  ports: readonly number[] = [];

  constructor(private readonly log: (line: string) => void, private readonly onChange: () => void = () => {}) {}

  /** Adds (or re-points) an endpoint. */
  add(id: string, port: number): void {
    this.byId.set(id, port);
    this.log(`service proxy: endpoint ${id} → 127.0.0.1:${port} added`);
    this.changed();
  }

  /** Removes an endpoint; unknown ids are ignored. */
  remove(id: string): void {
    if (!this.byId.delete(id)) return;
    this.log(`service proxy: endpoint ${id} removed`);
    this.changed();
  }

  /** The endpoint half of the ServiceProxy interface, bound to this set. */
  serviceMethods(): Pick<ServiceProxy, 'add' | 'remove' | 'backends'> {
    return { add: (id, port) => this.add(id, port), remove: (id) => this.remove(id), backends: () => this.ids() };
  }

  /** The ports and their changes, for clients that route their own connections (load workers). */
  feed(): ServiceEndpoints {
    return {
      ports: () => this.ports,
      watch: (onChange) => {
        this.watchers.add(onChange);
        return () => { this.watchers.delete(onChange); };
      },
    };
  }

  /** Endpoint ids, in routing order. */
  ids(): string[] {
    return [...this.byId.keys()];
  }

  private changed(): void {
    this.ports = [...this.byId.values()];
    this.onChange();
    for (const w of this.watchers) w(this.ports);
  }
}

import type { LoadGenerator } from '../ports/load.js';

/**
 * The load generator a scenario gets: a fixed rate runs open-model (requests on schedule, whatever
 * the answers); `rate: max` runs autocannon's closed loop (each connection sends its next request
 * when the previous one is answered), the one place where waiting for answers is the point.
 * Each implementation loads on first use.
 */
export const scenarioLoad: LoadGenerator = {
  async run(plan, sink, opts) {
    if (plan.rate === 'max') return (await import('./autocannon-load.js')).autocannonLoad.run(plan, sink, opts);
    return (await import('./open-model-load.js')).openModelLoad.run(plan, sink, opts);
  },
};

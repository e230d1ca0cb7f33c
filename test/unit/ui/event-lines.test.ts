import { describe, expect, it } from 'vitest';
import { eventLine } from '../../../src/ui/event-lines.js';

describe('progress lines for events', () => {
  it('names a failed probe and points at the log of a replica that exited unexpectedly', () => {
    expect(eventLine({ t: 4200, type: 'probe_failed', replica: 'r2', revision: 3, probe: 'liveness', message: 'GET /healthz answered 500 3 times in a row' }))
      .toBe('  4.2s replica r2 failed its liveness probe: GET /healthz answered 500 3 times in a row');
    expect(eventLine({ t: 5000, type: 'replica_exited', replica: 'r2', revision: 3, code: 1, signal: null, expected: false }))
      .toBe('  5.0s replica r2 exited unexpectedly (code 1, signal null); its output: replicas/r2.log');
    expect(eventLine({ t: 5000, type: 'replica_exited', replica: 'r2', revision: 3, code: 0, signal: null, expected: true })).toBeUndefined();
  });

  it('splits the kubernetes lease count into the run\'s and the lab\'s older ones', () => {
    expect(eventLine({ t: 9000, type: 'leases_counted', phase: 'after', count: 3, preExisting: 60 }))
      .toBe('  9.0s leases of the role after the load: 3 the run\'s, 60 from before the run');
    expect(eventLine({ t: 9000, type: 'leases_counted', phase: 'after', count: 63 })).toBe('  9.0s leases of the role after the run: 63');
  });
});

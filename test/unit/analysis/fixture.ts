import type { RunEvent } from '../../../src/ports/events.js';
import type { OutcomeKind } from '../../../src/ports/outcomes.js';
import { TimelineRecorder } from '../../../src/recorder/timeline-recorder.js';

/**
 * A 20 s run at one request per 10 ms (binMs 10). Warm-up until 2 s; rollout 2 (refresh)
 * 5–7 s, rollout 3 (revoke) from 12 s, never completed. Failures:
 * - 1000–1050 ms: 5 conn_refused (warm-up, excluded)
 * - 6000–6050 ms: 5 http_5xx 57P01 (rollout 1; downtime 50 ms)
 * - 10000 ms: 1 http_5xx 28P01 (baseline; downtime 10 ms)
 * - 15000–15100 ms: 10 conn_refused, 15100–15150 no requests at all, 15150–15200: 5 conn_refused,
 *   success at 15200 (rollout 2; downtime 200 ms)
 */
export function syntheticRun(): { recorder: TimelineRecorder; events: RunEvent[] } {
  const recorder = new TimelineRecorder({ binMs: 10, latencyBinMs: 100 });
  for (let t = 0; t < 20_000; t += 10) {
    if (t >= 15_100 && t < 15_150) continue;
    let kind: OutcomeKind = 'ok';
    let cause: string | undefined;
    if (t >= 1000 && t < 1050) kind = 'conn_refused';
    else if (t >= 6000 && t < 6050) [kind, cause] = ['http_5xx', '57P01'];
    else if (t === 10_000) [kind, cause] = ['http_5xx', '28P01'];
    else if (t >= 15_000 && t < 15_200) kind = 'conn_refused';
    // ok latencies 1..10 ms; failures fast
    recorder.record({ start: t + 1, latencyMs: kind === 'ok' ? 1 + ((t / 10) % 10) : 0.5, kind, cause });
  }
  const events: RunEvent[] = [
    { t: 0, type: 'run_started', target: 'local', scenario: 'synthetic' },
    { t: 0, type: 'credentials_issued', leaseId: 'l1', username: 'v-1', ttlMs: 60_000, issuer: 'direct' },
    { t: 4900, type: 'rotation_triggered', trigger: 'refresh' },
    { t: 4950, type: 'credentials_issued', leaseId: 'l2', username: 'v-2', ttlMs: 60_000, issuer: 'direct' },
    { t: 5000, type: 'rollout_started', revision: 2, trigger: 'refresh', replicas: 3 },
    { t: 7000, type: 'rollout_completed', revision: 2 },
    { t: 8000, type: 'lease_expired', leaseId: 'l1' },
    { t: 11_900, type: 'rotation_triggered', trigger: 'revoke', leaseId: 'l2' },
    { t: 11_950, type: 'lease_revoked', leaseId: 'l2', reason: 'revoke' },
    { t: 11_960, type: 'credentials_issued', leaseId: 'l3', username: 'v-3', ttlMs: 60_000, issuer: 'direct' },
    { t: 12_000, type: 'rollout_started', revision: 3, trigger: 'revoke', replicas: 3 },
  ];
  return { recorder, events };
}

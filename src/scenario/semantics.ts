import { boundIssues, durationMs } from './bounds.js';
import { parseThresholdExpression } from './thresholds.js';
import { placeholderIssues } from './placeholders.js';
import { deliveryStrategyIssues } from './delivery-strategy.js';
import { probeIssues } from './probe-rules.js';

import type { PathIssue } from './path-issue.js';

export type { PathIssue };

/**
 * Rules that span several keys or need a parser (thresholds). They read the raw file object
 * defensively, so they run even when the schema reports other errors and every problem is
 * reported in one pass. A value of the wrong type is left to the schema.
 */
export function semanticIssues(raw: unknown): PathIssue[] {
  const issues: PathIssue[] = boundIssues(raw);
  const root = asMap(raw);
  const delivery = asMap(root.delivery);
  const workload = asMap(root.workload);
  const load = asMap(root.load);

  if (delivery.reload === 'signal' && (delivery.via ?? 'env') !== 'file') {
    issues.push({
      path: ['delivery', 'reload'],
      message: 'reload: signal needs via: file (a running process cannot see new environment variables)',
    });
  }

  issues.push(...deliveryStrategyIssues(delivery, root.target, asMap(root.credentials).issuer));
  issues.push(...placeholderIssues(workload, delivery.via ?? 'env'));
  issues.push(...probeIssues(workload));

  const surge = workload.maxSurge ?? 1;
  const unavailable = workload.maxUnavailable ?? 0;
  if (surge === 0 && unavailable === 0) {
    const key = 'maxSurge' in workload ? 'maxSurge' : 'maxUnavailable';
    issues.push({ path: ['workload', key], message: 'maxSurge and maxUnavailable cannot both be 0: the rollout could never progress' });
  }

  const role = asMap(asMap(root.database).role);
  const defaultTtl = durationMs(role.defaultTtl ?? '1h');
  const maxTtl = durationMs(role.maxTtl ?? '24h');
  if (defaultTtl !== undefined && maxTtl !== undefined && defaultTtl > maxTtl) {
    issues.push({ path: ['database', 'role', 'defaultTtl'], message: 'defaultTtl cannot be longer than maxTtl' });
  }

  const status = asMap(load.success).status;
  if (typeof status === 'string' && /^\d{3}-\d{3}$/.test(status)) {
    const [lo, hi] = status.split('-').map(Number);
    if (lo > hi) issues.push({ path: ['load', 'success', 'status'], message: `range "${status}" is empty (${lo} > ${hi})` });
  }

  if (load.rate === 'max' && load.workers !== undefined && load.workers !== 0) {
    // The closed loop (autocannon) waits for answers in one process; workers split an open-model schedule.
    issues.push({ path: ['load', 'workers'], message: 'workers split an open-model schedule: they need a fixed rate, not rate: max' });
  }
  const loadMs = durationMs(load.duration);
  const rotations = asMap(root.rotations);
  if (Array.isArray(rotations.rotateRoot) && rotations.rotateRoot.length > 0 && (root.target ?? 'local') !== 'kubernetes') {
    issues.push({
      path: ['rotations', 'rotateRoot'],
      message: 'rotateRoot needs target: kubernetes (it rotates the root password of the lab\'s Vault database connection)',
    });
  }
  if (Array.isArray(rotations.revoke) && rotations.revoke.length > 0 && delivery.strategy === 'static-role') {
    // Static credentials have no lease (facts file §8); rotations.at is the manual rotate-role.
    issues.push({ path: ['rotations', 'revoke'], message: 'static-role credentials have no lease to revoke; use rotations.at for a manual rotation' });
  }
  const strategy = delivery.strategy;
  if (Array.isArray(rotations.at) && rotations.at.length > 0 && root.target === 'kubernetes' && (strategy === 'agent-template' || strategy === 'csi')) {
    // The agent and the CSI driver fetch on their own schedule: no API makes them fetch now.
    issues.push({
      path: ['rotations', 'at'],
      message: `on target kubernetes, ${strategy} fetches new credentials on its own schedule: nothing can make it fetch now (use rotations.revoke, or the role's TTLs)`,
    });
  }
  for (const key of ['at', 'revoke', 'rotateRoot'] as const) {
    const offsets = rotations[key];
    if (loadMs === undefined || !Array.isArray(offsets)) continue;
    offsets.forEach((offset, i) => {
      const ms = durationMs(offset);
      if (ms !== undefined && ms >= loadMs) {
        issues.push({
          path: ['rotations', key, i],
          message: `offset ${String(offset)} is not before the end of the load (load.duration ${String(load.duration)})`,
        });
      }
    });
  }

  if (Array.isArray(root.thresholds)) {
    root.thresholds.forEach((item, i) => {
      const obj = asMap(item);
      const [text, path] = typeof item === 'string' ? [item, ['thresholds', i]] : [obj.threshold, ['thresholds', i, 'threshold']];
      if (typeof text !== 'string' || text === '') return;
      const r = parseThresholdExpression(text);
      if (!r.ok) issues.push({ path: path as (string | number)[], message: `invalid threshold "${text}": ${r.message}` });
    });
  }
  return issues;
}

function asMap(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

import type { RunEvent } from '../ports/events.js';

/**
 * The progress line for an event worth telling a person about while a run goes on, or undefined.
 * Times are seconds on the run clock. Never includes secrets (events hold none).
 */
export function eventLine(e: RunEvent): string | undefined {
  const at = `  ${(e.t / 1000).toFixed(1)}s`;
  switch (e.type) {
    case 'rotation_triggered':
      return `${at} rotation (${e.trigger})${e.leaseId ? ` of ${e.leaseId}` : ''}`;
    case 'credentials_issued':
      return `${at} credentials issued: ${e.username} (lease ${e.leaseId}, ttl ${(e.ttlMs / 1000).toFixed(0)}s)`;
    case 'credentials_reloaded':
      // By SIGHUP, the app's own re-read of its file, or (direct) its in-process pool swap.
      return `${at} credentials reloaded by ${e.replicas} ${e.replicas === 1 ? 'replica' : 'replicas'}`;
    case 'rollout_started':
      return `${at} rollout to revision ${e.revision} started (${e.trigger})`;
    case 'rollout_completed':
      return `${at} rollout to revision ${e.revision} completed`;
    case 'replica_exited':
      return e.expected ? undefined
        : `${at} replica ${e.replica} exited unexpectedly (code ${e.code}, signal ${e.signal}); its output: replicas/${e.replica}.log`;
    case 'probe_failed':
      return `${at} replica ${e.replica} failed its ${e.probe} probe: ${e.message}`;
    case 'lease_expired':
      return `${at} lease expired: ${e.leaseId}`;
    case 'lease_renewed':
      return `${at} lease renewed: ${e.leaseId} (ttl ${(e.ttlMs / 1000).toFixed(1)}s${e.capped ? ', capped by max TTL' : ''})`;
    case 'password_rotated':
      return `${at} static password rotated: ${e.username} (new logins with the old one fail from now)`;
    case 'lease_revoked':
      return e.reason === 'revoke' ? `${at} lease revoked: ${e.leaseId}` : undefined;
    case 'secret_synced':
      return `${at} Secret updated by ESO (resourceVersion ${e.resourceVersion})`;
    case 'leases_counted':
      return e.preExisting === undefined ? `${at} leases of the role ${e.phase} the run: ${e.count}`
        : `${at} leases of the role ${e.phase} the load: ${e.count} the run's, ${e.preExisting} from before the run`;
    case 'warning':
      return `${at} warning: ${e.message}`;
    case 'load_worker_lost':
      return `${at} load worker ${e.worker}/${e.workers} lost (${e.reason}): ${e.notSent} requests of its share not sent`;
    default:
      return undefined;
  }
}

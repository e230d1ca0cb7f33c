import { PrerequisiteError } from '../../../errors/errors.js';
import type { Credentials } from '../../../ports/credentials.js';
import { deliveryStrategyOf } from '../../../scenario/delivery-strategy.js';
import type { Scenario } from '../../../scenario/model.js';
import type { MachineFactory } from './machine.js';

/**
 * direct (the app manages its own lease, facts file §7, as hashicorp/hello-vault-go): vaultctl
 * configures Vault's database engine and starts the replicas with VAULT_ADDR, VAULT_TOKEN and the
 * creds path (workload-env.ts) instead of credentials. Each replica reads its own lease, renews it
 * with a LifetimeWatcher, reads new credentials before max TTL, swaps its pool and revokes the old
 * lease after a drain (src/demo-app/vault-lease.ts, on src/strategies/direct.ts's timing). vaultctl
 * plans nothing: it records what the app reports (direct-app-leases.ts) and revokes the app's
 * leases still live at cleanup. No restarts, no rollouts. `rotations.revoke` revokes the lease each
 * replica uses (the app recovers when its next renewal is refused); `rotations.at` only warns.
 *
 * States: none on vaultctl's side; each replica runs `watching` lease k → (re-read) `watching` k+1.
 */
export const directMachine: MachineFactory = ({ driver }) => ({
  plan: () => [],
  // The app alone decides when it reads credentials; vaultctl has no channel to make it (no SIGHUP
  // contract for Vault mode), so a forced rotation is reported, not faked.
  rotateAt: async () => {
    driver.warn('rotations.at: with strategy direct the app decides when it reads new credentials; nothing was rotated');
  },
});

/**
 * What the supervisor is given for the replicas of `direct`: no credentials (the app reads its own
 * from Vault); with `via: env` the replicas see an empty PGUSER/PGPASSWORD. Not a lease: nothing
 * to renew or revoke.
 */
export function appHeldCredentials(now: number): Credentials {
  return { leaseId: '', username: '', password: '', issuedAt: now, ttlMs: 0 };
}

/** Whether the scenario runs strategy `direct`. */
export function isDirect(s: Scenario): boolean {
  return deliveryStrategyOf(s.delivery) === 'direct';
}

/**
 * `direct` needs a Vault the app can talk to (issue 11: "without Vault it is refused with exit 3
 * and the reason"). The issuer `direct` is vaultctl running Vault's SQL itself, which no app can
 * call, so a scenario on it lacks the prerequisite the strategy is about: exit 3 (as a missing
 * Vault is for `issuer: vault`, vault-connection.ts), not 104, because the fix is a Vault (dev
 * server or VAULT_ADDR) as much as the key that selects it. Checked before anything starts.
 */
export function requireVaultForDirect(s: Scenario): void {
  if (!isDirect(s) || s.credentials.issuer === 'vault') return;
  throw new PrerequisiteError(
    'strategy direct needs Vault: the app reads, renews and revokes its own lease through the Vault API, ' +
    `and credentials.issuer is \`${s.credentials.issuer}\` (vaultctl's SQL, no Vault)`,
    'set `credentials.issuer: vault` in the scenario, with VAULT_ADDR and VAULT_TOKEN for a running Vault ' +
    'or `vault` on PATH so vaultctl starts `vault server -dev`');
}

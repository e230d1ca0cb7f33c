/** Key path → description (syntax: see descriptions.ts). */
type DescriptionTable = Readonly<Record<string, string>>;

/**
 * Editor help for the file header, `database`, `credentials` and `delivery` (path syntax in
 * descriptions.ts). Vault's role fields and ESO's refresh behaviour follow
 * ../shared/reference/stack-facts.md sections C and F; what the kubernetes target applies to the
 * lab follows src/targets/kubernetes/kubernetes-target.ts (applyScenario, notes).
 */
export const SETUP_DESCRIPTIONS: DescriptionTable = {
  apiVersion: 'File format version. Must be `vaultctl.dev/v1alpha1`, the only one this vaultctl reads.',
  kind: 'Must be `Scenario` (a lab config for `vaultctl bootstrap` is a `LabConfig`).',
  metadata: 'Names and describes the scenario.',
  'metadata.name':
    'The scenario\'s name: lower-case letters, digits and dashes. It labels the run in reports and names its results ' +
    'directory (`<time>-<name>`); scenarios that share a name get `<name>`, `<name>-2`, … .',
  'metadata.description': 'Free text for whoever reads the file: what the scenario shows. Kept with the scenario in `run.json`.',
  target:
    'Where the run happens. `local` (default): an embedded Postgres, replica processes and a Service proxy on this machine, ' +
    'no Docker. `kubernetes`: the lab `vaultctl bootstrap` built (Vault, External Secrets Operator, Wave, the demo app); ' +
    'each key says whether it applies there.',

  database:
    'The database the workload reads and the Vault dynamic role that issues its credentials. On `kubernetes` only ' +
    '`role.defaultTtl` and `role.maxTtl` apply; the rest comes from the lab.',
  'database.name':
    'Database the app connects to (`PGDATABASE`), created on the embedded Postgres when missing. Default `app`. ' +
    'Local target; on Kubernetes the lab\'s (vaultctl.yaml `postgres.database`).',
  'database.setup':
    'Admin SQL statements run once, in order, before the first replica starts (tables, seed rows). Default: create the ' +
    'demo app\'s table `vaultctl_demo` with one row; a list of your own replaces it, so it must create the table the app ' +
    'reads (`vaultctl_demo`, or the one `workload.env.DEMO_TABLE` names). Local target.',
  'database.role':
    'The dynamic role as Vault\'s database secrets engine takes it: SQL templates with `{{name}}`, `{{password}}` and ' +
    '`{{expiration}}`, and TTLs. On Kubernetes only the TTLs apply, written to the lab\'s Vault role for the run and ' +
    'restored after.',
  'database.role.name':
    'Name of the Vault role (`<mount>/creds/<name>`). Default `app`. Local target; on Kubernetes the lab\'s role ' +
    '(vaultctl.yaml `vault.role`) is used and a different name is noted.',
  'database.role.creationStatements':
    'SQL that creates each credential, as Vault\'s `creation_statements`; `{{name}}`, `{{password}}` and `{{expiration}}` ' +
    'are filled in per lease. Default: `CREATE ROLE … WITH LOGIN PASSWORD … VALID UNTIL …` and `GRANT SELECT ON ALL TABLES ' +
    'IN SCHEMA public`, which covers the tables that exist when the role is created. At least one statement; local target.',
  'database.role.revocationStatements':
    'SQL run when a lease is revoked or expires, as Vault\'s `revocation_statements`. Default: end the role\'s sessions, ' +
    'revoke its grants, drop it. `[]` means Vault\'s own revocation, which leaves open sessions connected and answering ' +
    '`42501` permission denied (see `local-revoke.yaml`); local target.',
  'database.role.renewStatements':
    'SQL run when a lease is renewed, as Vault\'s `renew_statements`; a renewal never reaches past `maxTtl` from issue. ' +
    'Default: `ALTER ROLE "{{name}}" VALID UNTIL \'{{expiration}}\';`. Local target.',
  'database.role.defaultTtl':
    'Lifetime of each credential (its lease), a duration such as `1m` or `1h`: after it Postgres refuses new logins with ' +
    'it and the revocation statements run. Default `1h`, not longer than `maxTtl`. Both targets (on Kubernetes the lab ' +
    'role\'s `default_ttl` for the run).',
  'database.role.maxTtl':
    'Longest a lease may live, renewals included (Vault\'s `max_ttl`), a duration. Default `24h`. Both targets (on ' +
    'Kubernetes the lab role\'s `max_ttl` for the run).',

  credentials: 'Who issues credentials on the local target. On Kubernetes, ESO always fetches them from the lab\'s Vault.',
  'credentials.issuer':
    '`direct` (default): vaultctl runs the role\'s SQL itself with Vault\'s TTL semantics, no Vault needed. `vault`: a ' +
    'real Vault\'s database engine issues them, found through `VAULT_ADDR` + `VAULT_TOKEN` or started in dev mode from a ' +
    '`vault` binary on `PATH`. Local target.',
  'credentials.vault': 'Where the database secrets engine lives on that Vault (`issuer: vault` only).',
  'credentials.vault.mount':
    'Mount path of the database secrets engine; credentials are read from `<mount>/creds/<role>`. Default `database`. ' +
    'Local target with `issuer: vault`; on Kubernetes the lab\'s (vaultctl.yaml `vault.databaseMount`).',
  'credentials.vault.connection':
    'Name of the engine\'s database connection (`<mount>/config/<connection>`), pointed at the embedded Postgres. ' +
    'Default `vaultctl-pg`. Local target with `issuer: vault`; on Kubernetes the lab\'s (vaultctl.yaml `vault.connection`).',

  delivery: 'How new credentials reach the replicas, standing in for ESO and Wave (or the Vault agent).',
  // ESO issues a new lease on every refresh and never revokes the old one (stack-facts.md F).
  'delivery.refreshInterval':
    'Issue new credentials this often, as ESO\'s `refreshInterval` does: each refresh is a new lease and database user, ' +
    'the old one left to expire. A duration counted from the end of `load.warmUp`; default `0` = never. On Kubernetes ' +
    'it is set on the lab\'s ExternalSecret for the run (ESO syncs once when it changes) and restored after.',
  'delivery.reload':
    'What running replicas do when credentials change. `restart` (default): roll them as Wave does on a Secret change; ' +
    '`signal`: rewrite the credentials file and send SIGHUP, as a Vault agent template does (needs `via: file`); `none`: ' +
    'nothing, replicas keep the old credentials. On Kubernetes the lab always rolls the Deployment (Wave).',
  // delivery.strategy and its parameters: ../shared/reference/delivery-strategies.md §2 (agent), §6 (init + renewer).
  'delivery.strategy':
    'Which way credentials reach the app (issue 11\'s strategies). `secret-sync-restart`: ESO + Wave, new credentials ' +
    'every `refreshInterval`, rolling restart (what `reload: restart`/`none` mean). `agent-template`: a Vault agent ' +
    'template file, renewed by a LifetimeWatcher and re-fetched near `maxTtl`, picked up per `pickup` (what `reload: signal` ' +
    'means, then with `refreshInterval` timing). `init-renewer`: fetched once at start, renewed every `renewEvery` until ' +
    '`maxTtl`, then new logins fail until a restart. `vso`: renewed at `renewalPercent`, new credentials and a rolling ' +
    'restart when a renewal is capped by `maxTtl`, the old lease left to expire. `static-role`: one user, its password ' +
    'rotated every `rotationPeriod`, delivered by `carrier` (direct issuer only). `direct`: the app reads, renews and ' +
    'replaces its own lease through Vault (needs `credentials.issuer: vault`, else exit 3), revoking the old one per ' +
    '`revokeOldLease`. `csi`: a file per replica (its own user) mounted at its start, re-minted every ' +
    '`rotationPollInterval` with `enableSecretRotation` (needs `via: file`). `vault-env`: env per container at exec, renewed ' +
    'until `maxTtl`, then SIGTERM and an in-place restart with new credentials. Absent: derived from `reload`. On ' +
    'Kubernetes only `secret-sync-restart`.',
  'delivery.pickup':
    '`agent-template` only: how the app learns of a re-rendered file. `signal`: SIGHUP, as `agent-inject-command` ' +
    'with `pkill -HUP`; `reread`: nothing is sent, the app must watch the file itself (upstream\'s default, no command); ' +
    '`restart`: a rolling restart. Default `reread`.',
  'delivery.renewEvery':
    '`init-renewer` only: the renewer sidecar\'s `RENEW_INTERVAL`, a duration. Each run renews the lease when its TTL is ' +
    'below twice this; a run after the lease ended cannot save it. Default `6h` (upstream).',
  'delivery.renewIncrement':
    '`init-renewer` only: the increment each renewal asks for (`sys/leases/renew`), capped by `maxTtl`; the first capped ' +
    'answer makes the renewer exit. Default `1h` (upstream).',
  // csi: ../shared/reference/delivery-strategies.md §3 and §0.2; vault-env: §5.
  'delivery.enableSecretRotation':
    '`csi` only: the CSI driver\'s `enableSecretRotation`. Each replica\'s mount is re-read every `rotationPollInterval`; ' +
    'without `agentCache` every poll mints a new lease and rewrites that replica\'s file. Default `false` (upstream): ' +
    'credentials only at each replica\'s start.',
  'delivery.rotationPollInterval':
    '`csi` only: the driver\'s `rotationPollInterval`, a duration counted from each replica\'s mount. Default `2m` (upstream).',
  'delivery.agentCache':
    '`csi` only: vault-helm `csi.agent.enabled`. The agent renews the lease and polls return it until max TTL ' +
    '(UNVERIFIED, facts §0.2); `false`: the provider alone, every poll a new unrenewed lease. Default `true` (upstream).',
  'delivery.killAfter':
    '`vault-env` only: after its lease watcher returns, vault-env sends the app SIGTERM and SIGKILL this long later; the ' +
    'container then restarts in place with new credentials. Default `10s` (upstream).',
  // direct: facts file §7 (step 4: revoking the old lease is optional).
  'delivery.revokeOldLease':
    '`direct` only: after reading new credentials and swapping its pool, the app revokes its old lease ' +
    '(`sys/leases/revoke`) once `revokeAfter` has passed, unless the old lease ends first. `false`: it is left to ' +
    'expire. Default `true` (vaultctl\'s; upstream\'s sample leaves it optional).',
  'delivery.revokeAfter':
    '`direct` only: how long the old pool drains before the app revokes its old lease. Default `5s`.',
  'delivery.startSpread':
    '`vault-env` only: spread the replicas\' first starts evenly over this span, so their leases reach max TTL (and ' +
    'their in-place restarts come) at different times. Default `0`: together, as a Deployment starts them.',
  // vso: facts file §1, §0.3; static-role: §8, §0.1.
  'delivery.renewalPercent':
    '`vso` only: the VaultDynamicSecret `renewalPercent` (0–90). VSO renews the lease at this percent of it plus 10 % ' +
    '(vaultctl leaves out VSO\'s random −0–10 % so runs repeat); new credentials and a rolling restart come only when a ' +
    'renewal is cut short by `maxTtl`. Default `67` (upstream).',
  'delivery.revoke':
    '`vso` only: the VaultDynamicSecret `revoke`. VSO revokes the live lease only when the VaultDynamicSecret is deleted ' +
    '(here: at the end of the run), never a lease it replaced: those live until their `maxTtl` either way. Default `false`.',
  'delivery.rotationPeriod':
    '`static-role` only: the static role\'s `rotation_period` (min 5s). One database user for the whole run; its password ' +
    'is rotated in place this often and new logins with the old one fail (28P01) until the carrier delivers it. Default `1h`.',
  'delivery.carrier':
    '`static-role` only: what carries the password to the app. `vso`: rolling restart 0.5 s after each rotation; ' +
    '`agent-template`: file re-rendered and SIGHUP 1 s after (needs `via: file`); `secret-sync-restart`: ESO, at its first ' +
    '`refreshInterval` tick at or after the rotation, then a rolling restart. Default `vso`.',
  'delivery.via':
    'How a replica receives credentials: `env` (default) sets `PGUSER`/`PGPASSWORD` when it starts; `file` writes ' +
    '`{"username","password"}` to the JSON file named by `CREDENTIALS_FILE`. Local target.',
};

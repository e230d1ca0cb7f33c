import type { StackConfig } from '../stack-config.js';
import { mountPath } from '../vault-database-engine.js';
import { labDatabaseRole, type LabStrategyName } from './names.js';

/** Where a strategy's copy of the demo app reads credentials: `<databaseMount>/creds/<its role>` (names.ts labDatabaseRole). */
export function strategyCredsPath(cfg: Pick<StackConfig, 'vault'>, strategy: LabStrategyName): string {
  return `${mountPath(cfg.vault.databaseMount)}/creds/${labDatabaseRole(cfg.vault.role, strategy)}`;
}

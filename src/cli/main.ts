import { createProcessRuntime } from '../runtime/process-runtime.js';
import { buildProgram, translateCommanderError } from './program.js';
import { formatError } from '../errors/format.js';
import { exitCodeOf } from '../errors/errors.js';
import { readFileSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createEmbeddedPostgres } from '../adapters/embedded-postgres-server.js';
import type { VaultApi } from '../ports/vault.js';
import type { KubeApi, KubeConfigSource } from '../ports/kube.js';
import type { LoadGenerator } from '../ports/load.js';
import type { SqlConnector } from '../ports/postgres.js';
import { workerPoolLoad } from '../adapters/worker-pool-load.js';
import { startVaultDevServer } from '../adapters/vault-dev-server.js';
import { createNodeProcessSpawner } from '../adapters/node-process-spawner.js';
import { reapRunLeftovers } from '../adapters/postgres-stale.js';
import { which } from '../adapters/which.js';
import { createExecaRunner } from '../adapters/execa-runner.js';
import { readDemoAppBundle } from '../stack/manifests/index.js';
import { resolveVault } from '../targets/local/vault-connection.js';
import { BugError } from '../errors/errors.js';
import type { Runtime } from '../runtime/runtime.js';
import type { CliDeps } from './deps.js';

/**
 * Runs the CLI against a Runtime and returns the exit code. Tests call this with a test runtime;
 * `main()` calls it with the real process.
 */
export async function runCli(argv: string[], rt: Runtime, deps: CliDeps): Promise<number> {
  const debug = argv.includes('--debug') || Boolean(rt.env.VAULTCTL_DEBUG);
  try {
    await buildProgram(rt, deps).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (raw) {
    const err = translateCommanderError(raw);
    if (err === null) return 0;
    if (!(err as { printed?: boolean }).printed) rt.stderr.write(formatError(err, { debug, secrets: rt.secrets }));
    return exitCodeOf(err);
  }
}

// Heavy libraries (autocannon, node-vault, pg) load on first use, so `--help` and commands that
// do not need them start fast.
const lazyConnectSql: SqlConnector = async (conn) => (await import('../adapters/pg-sql.js')).connectSql(conn);
const lazyLoad: LoadGenerator = {
  run: async (...args) => (await import('../adapters/load-generator.js')).scenarioLoad.run(...args),
};
function lazyVaultApi(opts: { endpoint: string; token: string }): VaultApi {
  let api: Promise<VaultApi> | undefined;
  const get = () => (api ??= import('../adapters/node-vault-api.js').then((m) => m.createNodeVaultApi(opts)));
  return {
    health: async () => (await get()).health(),
    read: async (path) => (await get()).read(path),
    write: async (path, body) => (await get()).write(path, body),
    list: async (path) => (await get()).list(path),
    delete: async (path) => (await get()).delete(path),
  };
}

/** client-node (large) loads when the kubernetes target first calls the API. */
function lazyKubeApi(source: KubeConfigSource): KubeApi {
  let api: Promise<KubeApi> | undefined;
  const get = () => (api ??= import('../adapters/kube-client.js').then((m) => m.createKubeClient(source)));
  return {
    readDeployment: async (...a) => (await get()).readDeployment(...a),
    patchDeployment: async (...a) => (await get()).patchDeployment(...a),
    listDeployments: async (...a) => (await get()).listDeployments(...a),
    listReplicaSets: async (...a) => (await get()).listReplicaSets(...a),
    listPods: async (...a) => (await get()).listPods(...a),
    readExternalSecret: async (...a) => (await get()).readExternalSecret(...a),
    patchExternalSecret: async (...a) => (await get()).patchExternalSecret(...a),
    readSecretResourceVersion: async (...a) => (await get()).readSecretResourceVersion(...a),
    readCustomObject: async (...a) => (await get()).readCustomObject(...a),
    createConfigMap: async (...a) => (await get()).createConfigMap(...a),
    createJob: async (...a) => (await get()).createJob(...a),
    listJobs: async (...a) => (await get()).listJobs(...a),
    deleteJob: async (...a) => (await get()).deleteJob(...a),
    deleteConfigMap: async (...a) => (await get()).deleteConfigMap(...a),
    patchCustomObject: async (...a) => (await get()).patchCustomObject(...a),
    watch: async (...a) => (await get()).watch(...a),
    followLog: async (...a) => (await get()).followLog(...a),
  };
}

/** The package root: dist/cli/main.js lives two levels below it. */
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The composition root: the only place adapters are wired to ports. */
export function createCliDeps(): CliDeps {
  const version = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  return {
    version,
    load: lazyLoad,
    targets: {
      local: {
        reapLeftovers: (ledger, log) => reapRunLeftovers(ledger.dir, log),
        spawner: (ledger) => createNodeProcessSpawner(ledger),
        createPostgres: (opts) => createEmbeddedPostgres(opts),
        connectSql: lazyConnectSql,
        resolveVault: (env, secrets, spawner) => resolveVault(env, {
          which: (bin: string) => which(bin, env),
          secrets,
          startDevServer: (binary: string, signal?: AbortSignal) => {
            const token = `vaultctl-${crypto.randomUUID()}`;
            secrets.add(token);
            return startVaultDevServer(binary, token, signal, { spawner });
          },
        }),
        createVaultApi: lazyVaultApi,
        loadWorkers: ({ spawner, workers, endpoints }) => {
          const bundle = join(packageRoot, 'dist', 'load-worker', 'bundle.cjs');
          if (!existsSync(bundle)) throw new BugError(`the load worker is not built (${bundle}); run \`npm run build\``);
          return workerPoolLoad({ spawner, workers, endpoints, argv: [process.execPath, bundle], env: { PATH: process.env.PATH ?? '' } });
        },
        demoAppCommand: () => {
          const app = join(packageRoot, 'dist', 'demo-app', 'server.js');
          if (!existsSync(app)) throw new BugError(`the demo app is not built (${app}); run \`npm run build\``);
          return [process.execPath, app];
        },
      },
      kubernetes: {
        readLoadWorkerBundle: () => readFile(join(packageRoot, 'dist', 'load-worker', 'bundle.cjs'), 'utf8').catch(() => {
          throw new BugError('the load worker is not built (dist/load-worker/bundle.cjs); run `npm run build`');
        }),
        createRunner: (secrets) => createExecaRunner({ secrets }),
        createKubeApi: lazyKubeApi,
        createVaultApi: lazyVaultApi,
      },
    },
    stack: {
      createRunner: (secrets) => createExecaRunner({ secrets }),
      createVaultApi: lazyVaultApi,
      readDemoAppBundle: () => readDemoAppBundle(packageRoot),
      packageRoot,
    },
  };
}

/** The process entry point (bin/vaultctl). The only place that exits the process. */
export async function main(): Promise<void> {
  const rt = createProcessRuntime();
  const code = await runCli(process.argv.slice(2), rt, createCliDeps());
  rt.dispose();
  // Flush both streams before exiting, so piped output is complete.
  await new Promise<void>((r) => process.stdout.write('', () => r()));
  await new Promise<void>((r) => process.stderr.write('', () => r()));
  process.exit(code);
}

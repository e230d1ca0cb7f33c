import { PrerequisiteError } from '../errors/errors.js';
import { CommandNotFoundError, type CommandRunner } from '../ports/command-runner.js';

/** One tool the stack needs, how to check it and where to get it. */
interface Tool {
  name: string;
  argv: string[];
  hint: string;
  /** Not needed when pointing at an existing cluster with --kube-context. */
  kindOnly: boolean;
}

const TOOLS: Tool[] = [
  { name: 'docker', argv: ['docker', 'info', '--format', '{{.ServerVersion}}'], kindOnly: true,
    hint: 'kind needs a running Docker engine: install Docker (https://docs.docker.com/engine/install/) and start it, or use --kube-context with an existing cluster' },
  { name: 'kind', argv: ['kind', 'version'], kindOnly: true,
    hint: 'install kind: https://kind.sigs.k8s.io/docs/user/quick-start/#installation (or use --kube-context with an existing cluster)' },
  { name: 'helm', argv: ['helm', 'version', '--short'], kindOnly: false,
    hint: 'install helm 3.8+ or 4: https://helm.sh/docs/intro/install/' },
  { name: 'kubectl', argv: ['kubectl', 'version', '--client', '-o', 'json'], kindOnly: false,
    hint: 'install kubectl: https://kubernetes.io/docs/tasks/tools/#kubectl' },
];

/** A tool that was found, with the version it reported. */
export interface FoundTool {
  name: string;
  version: string;
}

/**
 * Checks docker (engine reachable: `docker info` exits 0), kind, helm and kubectl. Throws
 * {@link PrerequisiteError} (exit 3) with an install hint for the first one missing. With an
 * existing context (`kindMode` false) docker and kind are not needed.
 */
export async function checkPrerequisites(runner: CommandRunner, opts: { kindMode: boolean; signal?: AbortSignal }): Promise<FoundTool[]> {
  const found: FoundTool[] = [];
  for (const tool of TOOLS.filter((t) => opts.kindMode || !t.kindOnly)) {
    let r;
    try {
      r = await runner.run(tool.argv, { allowFailure: true, signal: opts.signal, timeoutMs: 30_000 });
    } catch (err) {
      if (err instanceof CommandNotFoundError) throw new PrerequisiteError(`${tool.name} is not installed (not found on PATH)`, tool.hint);
      throw err;
    }
    if (r.exitCode !== 0) {
      const why = firstLine(r.stderr) || firstLine(r.stdout) || `exit ${r.exitCode}`;
      const what = tool.name === 'docker' ? 'the Docker engine is not reachable' : `${tool.name} does not work`;
      throw new PrerequisiteError(`${what} (\`${tool.argv.join(' ')}\`: ${why})`, tool.hint);
    }
    found.push({ name: tool.name, version: versionOf(tool.name, r.stdout) });
  }
  return found;
}

/** A short version string from each tool's own output format. */
function versionOf(name: string, stdout: string): string {
  if (name === 'kubectl') {
    try {
      return (JSON.parse(stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion ?? '?';
    } catch {
      return firstLine(stdout) || '?';
    }
  }
  if (name === 'kind') return stdout.match(/v\d+\.\d+\.\d+\S*/)?.[0] ?? (firstLine(stdout) || '?');
  return firstLine(stdout) || '?';
}

function firstLine(s: string): string {
  return s.trim().split('\n')[0]?.trim() ?? '';
}

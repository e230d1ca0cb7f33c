import { formatArgv, type CommandRunner, type RunOptions, type RunResult } from '../../ports/command-runner.js';
import type { VaultApi, VaultResponse } from '../../ports/vault.js';


/** One entry of a dry-run plan. */
export type PlanEntry =
  | { type: 'step'; title: string }
  | { type: 'command'; argv: string[]; input?: string; background?: boolean }
  | { type: 'vault'; method: string; path: string; body?: Record<string, unknown> };

/** Answers a recorded command as a fresh machine would (nothing installed yet). */
export type PlanReply = (argv: string[]) => RunResult;

/** What a machine with nothing installed answers: no clusters, no releases, no secrets; everything else succeeds. */
export const freshMachine: PlanReply = (argv) => {
  if (argv[0] === 'helm' && argv[1] === 'status') return { exitCode: 1, stdout: '', stderr: 'Error: release: not found' };
  return { exitCode: 0, stdout: '', stderr: '' };
};

/**
 * The dry-run plan: a recording {@link CommandRunner} and {@link VaultApi} that execute nothing.
 * The real pipeline runs against them, so the plan cannot drift from what bootstrap does.
 */
export class Plan {
  readonly entries: PlanEntry[] = [];
  constructor(private readonly reply: PlanReply = freshMachine) {}

  step(title: string): void {
    this.entries.push({ type: 'step', title });
  }

  /** A runner that records each command and answers with `reply`. */
  runner(): CommandRunner {
    return {
      run: async (argv: string[], opts: RunOptions = {}) => {
        this.entries.push({ type: 'command', argv: [...argv], input: opts.input });
        return this.reply(argv);
      },
      start: (argv: string[]) => {
        this.entries.push({ type: 'command', argv: [...argv], background: true });
        const remote = argv.find((a) => /^:\d+$/.test(a))?.slice(1) ?? '0';
        return {
          // kubectl's own line, with the remote port standing in for the random local one.
          waitForLine: async (pattern: RegExp) => `Forwarding from 127.0.0.1:${remote} -> ${remote}`.match(pattern) ?? [''],
          stop: async () => {},
        };
      },
    };
  }

  /** A Vault API that records each call; health is unsealed, reads and lists are empty. */
  vaultApi(): VaultApi {
    const record = (method: string, path: string, body?: Record<string, unknown>) =>
      this.entries.push({ type: 'vault', method, path: cleanPath(path), body });
    const empty: VaultResponse = { lease_id: '', lease_duration: 0, renewable: false, data: null, warnings: null };
    return {
      health: async () => { record('GET', 'sys/health'); return { initialized: true, sealed: false }; },
      read: async (p) => { record('GET', p); return empty; },
      write: async (p, body) => { record('POST', p, body); return undefined; },
      list: async (p) => { record('LIST', p); return []; },
      delete: async (p) => { record('DELETE', p); },
    };
  }

  /** The plan as text; `redact` hides every secret (`***`). */
  render(redact: (text: string) => string): string {
    const out: string[] = [];
    let n = 0;
    for (const e of this.entries) {
      if (e.type === 'step') out.push('', `## ${++n}. ${e.title}`);
      else if (e.type === 'command') {
        out.push(`$ ${formatArgv(e.argv)}${e.background ? '   # runs in the background until bootstrap ends' : ''}`);
        if (e.input !== undefined) out.push('  stdin:', ...indent(e.input, '    | '));
      } else {
        out.push(`vault ${e.method} /v1/${e.path}`);
        if (e.body !== undefined) out.push(...indent(JSON.stringify(e.body, null, 2), '    '));
      }
    }
    // Vault's `{{password}}` template is not a secret: the space keeps the URL redaction off it.
    const keep = '\u0000 template \u0000';
    return redact(out.join('\n').trimStart().split('{{password}}').join(keep)).split(keep).join('{{password}}') + '\n';
  }
}

/** Vault paths as the adapter sends them: no leading slash, no `//`. */
function cleanPath(path: string): string {
  return path.replace(/\/{2,}/g, '/').replace(/^\/+/, '');
}

function indent(text: string, prefix: string): string[] {
  return text.replace(/\n$/, '').split('\n').map((l) => `${prefix}${l}`.trimEnd());
}

import { access, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { platform } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * Finds an executable on `env.PATH` (the Runtime's environment), like `command -v`. Returns its
 * path or undefined. `PATHEXT` is honoured on Windows.
 */
export async function which(
  bin: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string | undefined> {
  if (bin.includes('/') || bin.includes('\\')) return (await isExecutable(bin)) ? bin : undefined;
  const exts = platform() === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    // An empty PATH entry means the current directory; skip it rather than guess the cwd.
    if (!dir || !isAbsolute(dir)) continue;
    for (const ext of exts) {
      const candidate = join(dir, bin + ext);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** `which` bound to one environment, the shape `resolveVault` takes. */
export function createWhich(env: Readonly<Record<string, string | undefined>>): (bin: string) => Promise<string | undefined> {
  return (bin) => which(bin, env);
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/*
 * The last-resort hook for children: if vaultctl exits while they run (an uncaught error, a second
 * Ctrl-C that calls process.exit), they are re-parented and keep their ports and sessions. The
 * 'exit' event runs synchronously on every exit path that still runs JavaScript, so the kill goes
 * out there; SIGKILL of vaultctl itself is left to the run ledger and the next run's reaper.
 */

const hooks = new Set<() => void>();
let installed = false;

/** Runs `fn` synchronously when the process exits; returns a function that removes it. */
export function onProcessExit(fn: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', () => {
      for (const h of [...hooks]) {
        try {
          h();
        } catch {
          // one failing hook must not keep the others from running
        }
      }
    });
  }
  hooks.add(fn);
  return () => { hooks.delete(fn); };
}

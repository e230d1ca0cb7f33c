/**
 * Things to undo, run last-in-first-out (Go's defer). Every cleanup runs even when an earlier one
 * fails; failures are collected and returned, so one stuck resource never leaks the others.
 */
export class CleanupStack {
  private readonly items: { name: string; fn: () => Promise<void> | void }[] = [];

  defer(name: string, fn: () => Promise<void> | void): void {
    this.items.push({ name, fn });
  }

  /** Runs every cleanup once, newest first; returns "name: message" for each that failed. */
  async runAll(): Promise<string[]> {
    const failures: string[] = [];
    while (this.items.length > 0) {
      const item = this.items.pop()!;
      try {
        await item.fn();
      } catch (err) {
        failures.push(`${item.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return failures;
  }
}

/** Progress and log lines on stderr (never stdout), redacted, silent under --quiet. */
export interface Reporter {
  info(line: string): void;
  step(title: string): StepHandle;
}

/** A running step: ends with ✓ or ✗ and its duration, like kind's status lines. */
export interface StepHandle {
  done(detail?: string): void;
  fail(detail?: string): void;
}

/** Exit codes of every l2lab command (architecture page): results, not just success/failure. */
export const EXIT = {
  ok: 0,
  /** `check --fail-on` found findings at or above the threshold. */
  findings: 1,
  /** Harness or setup error, bad input: the result is unknown, never a pass. */
  harnessError: 2,
  safetyViolation: 3,
  livenessViolation: 4,
  interrupted: 5,
} as const;

/**
 * An error caused by the user's input or machine (bad file, missing tool): printed as its message
 * alone, never with a stack trace, and exits 2. `details` are printed one per line below it.
 */
export class UserError extends Error {
  readonly details: readonly string[];
  readonly exitCode: number;

  constructor(message: string, details: readonly string[] = [], exitCode: number = EXIT.harnessError) {
    super(message);
    this.name = 'UserError';
    this.details = details;
    this.exitCode = exitCode;
  }
}

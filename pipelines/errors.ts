/**
 * Error classes the CLI and the workers map to exit codes and job outcomes.
 * One place, so the shells need not know which stage threw.
 */

/** Bad settings or arguments (config file, environment, flags), with every problem as a readable line. Not retryable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The input cannot be used at all: missing or empty file, no recognisable columns. Not retryable. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** An output problem: unwritable directory, full disk. The previous outputs are kept. */
export class OutputError extends Error {
  override readonly name = 'OutputError';
}

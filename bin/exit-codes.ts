/**
 * The one mapping from errors to process exit codes.
 *
 * | code | meaning |
 * |---|---|
 * | 0 | success |
 * | 1 | unexpected failure (a bug: please report it with the message) |
 * | 2 | bad settings or arguments (config file, flags) |
 * | 3 | unusable input (missing or empty file, no recognisable columns) |
 * | 4 | output problem (unwritable or full output directory; previous outputs are kept) |
 * | 5 | a queued run failed |
 */
import { ConfigError, InputError, OutputError, safeMessage } from '../pipelines/errors.js';

/** Raised by a command for a run that ended in failure (exit 5). */
export class RunFailedError extends Error {
  override readonly name = 'RunFailedError';
}

/** Exit code for an error thrown by a command. */
export function exitCodeFor(e: unknown): number {
  if (e instanceof ConfigError) return 2;
  if (e instanceof InputError) return 3;
  if (e instanceof OutputError) return 4;
  if (e instanceof RunFailedError) return 5;
  return 1;
}

/**
 * One readable line (or a few) for the terminal: control characters escaped and the length
 * bounded (pipelines/errors.ts `safeMessage`), whatever text the error carries.
 */
export function describeError(e: unknown): string {
  let text: string;
  if (e instanceof ConfigError || e instanceof InputError || e instanceof OutputError || e instanceof RunFailedError) text = e.message;
  else if (e instanceof Error) text = `unexpected error: ${e.stack ?? e.message}`;
  else text = `unexpected error: ${String(e)}`;
  return safeMessage(text, { multiline: true, max: 4000 });
}

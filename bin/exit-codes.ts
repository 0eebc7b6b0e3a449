/**
 * The one mapping from errors to process exit codes and terminal text. The codes are
 * pipelines/errors.ts `EXIT`; each error class carries its own (`exitCode`):
 *
 * | code | meaning |
 * |---|---|
 * | 0 | success |
 * | 1 | unexpected failure (a bug: please report it with the message) |
 * | 2 | bad settings, arguments or request (config file, flags, a path outside the data directory) |
 * | 3 | unusable input (missing or empty file, no recognisable columns) |
 * | 4 | output problem (unwritable or full output directory; previous outputs are kept) |
 * | 5 | a queued run failed |
 */
import { exitCodeOf, ForecastError, safeMessage } from '../pipelines/errors.js';

/** Exit code for an error thrown by a command. */
export function exitCodeFor(e: unknown): number {
  return exitCodeOf(e);
}

/**
 * One readable line (or a few) for the terminal: control characters escaped and the length
 * bounded (pipelines/errors.ts `safeMessage`), whatever text the error carries. The stack trace
 * only with `--debug` (`opts.debug`).
 */
export function describeError(e: unknown, opts: { debug?: boolean } = {}): string {
  let text: string;
  if (e instanceof ForecastError) text = opts.debug && e.stack ? `${e.message}\n${e.stack}` : e.message;
  else if (e instanceof Error) text = `unexpected error: ${opts.debug ? (e.stack ?? e.message) : `${e.message} (please report it; --debug shows the stack trace)`}`;
  else text = `unexpected error: ${String(e)}`;
  return safeMessage(text, { multiline: true, max: 4000 });
}

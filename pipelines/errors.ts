/**
 * Every error class the project throws on purpose, each saying whether a queued job that hit it
 * should be retried and which exit code the CLI ends with. One place, so the shells (bin/,
 * workers/, dashboard/) decide by type, never by a name or a message, and need not know which
 * stage threw. Anything else thrown (a bug, a Redis or system failure) is retried with backoff
 * and ends the CLI with exit 1.
 */

/**
 * What a queued job does after this error: `never` (the data or the request is at fault: a retry
 * gives the same error, so the job fails at once, BullMQ `UnrecoverableError`) or `backoff` (a
 * passing failure: the job's attempts with exponential backoff).
 */
export type Retry = 'never' | 'backoff';

/** Process exit codes (bin/forecast.ts), the one table. */
export const EXIT = {
  ok: 0,
  /** Unexpected failure: a bug (please report it with the message). */
  unexpected: 1,
  /** Bad settings, arguments or request (config file, environment, flags, job payload, path). */
  settings: 2,
  /** Unusable input (missing or empty file, no recognisable columns). */
  input: 3,
  /** Output problem (unwritable or full output directory; the previous outputs are kept). */
  output: 4,
  /** A queued run failed. */
  runFailed: 5,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Base of the errors below: a message meant for the user, a retry rule and an exit code. */
export abstract class ForecastError extends Error {
  abstract readonly retry: Retry;
  abstract readonly exitCode: ExitCode;
}

/** Bad settings or arguments (config file, environment, flags), with every problem as a readable line. */
export class ConfigError extends ForecastError {
  override readonly name = 'ConfigError';
  readonly retry = 'never';
  readonly exitCode = EXIT.settings;
}

/** The input cannot be used at all: missing or empty file, no recognisable columns. */
export class InputError extends ForecastError {
  override readonly name = 'InputError';
  readonly retry = 'never';
  readonly exitCode = EXIT.input;
}

/** An output problem: unwritable directory, full disk. The previous outputs are kept; a queued job retries. */
export class OutputError extends ForecastError {
  override readonly name = 'OutputError';
  readonly retry = 'backoff';
  readonly exitCode = EXIT.output;
}

/** A path that is empty, malformed or leads outside the data directory (pipelines/io/paths.ts). */
export class PathError extends ForecastError {
  override readonly name = 'PathError';
  readonly retry = 'never';
  readonly exitCode = EXIT.settings;
}

/** A job payload or run request that does not match its schema (workers/queues.ts). */
export class PayloadError extends ForecastError {
  override readonly name = 'PayloadError';
  readonly retry = 'never';
  readonly exitCode = EXIT.settings;
}

/** A queued run that failed: its run job or its publish job failed for good, or the wait for it timed out (workers/run-queue.ts `waitForRun`). */
export class RunFailedError extends ForecastError {
  override readonly name = 'RunFailedError';
  readonly retry = 'never';
  readonly exitCode = EXIT.runFailed;
}

/**
 * A queued run whose job disappeared while it was awaited (a Redis restarted without persistence
 * lost it): nothing will finish it. `forecast enqueue --wait --retry-lost` queues it again.
 */
export class RunLostError extends ForecastError {
  override readonly name = 'RunLostError';
  readonly retry = 'never';
  readonly exitCode = EXIT.runFailed;
}

/** The retry rule of any thrown value: its class's, `backoff` for anything else (I/O, Redis, a crash). */
export function retryOf(e: unknown): Retry {
  return e instanceof ForecastError ? e.retry : 'backoff';
}

/** The exit code of any thrown value: its class's, {@link EXIT}.unexpected for anything else. */
export function exitCodeOf(e: unknown): ExitCode {
  return e instanceof ForecastError ? e.exitCode : EXIT.unexpected;
}

/** Most characters of input a message quotes ({@link quoteInput}). */
export const QUOTE_MAX_CHARS = 200;

/** Characters a terminal or a log viewer could act on: C0 and C1 controls, DEL, line and paragraph separators, bidirectional overrides. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  switch (c) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default:
      return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
}

/**
 * Quote a piece of input (a cell, a header, a file name, a job id) for a message: in double
 * quotes, control characters escaped (`\n`, `\t`, `\u001b`, ...), `"` and `\` escaped, and at
 * most `max` characters of it; a longer text is cut and followed by its length, so a 4 MB header
 * is neither echoed whole nor able to move a terminal's cursor. The one helper for echoing input:
 * errors, stderr, job logs, rejected.csv reasons and the nightly `.error.txt` all use it.
 * @param text the input (any value is turned into a string).
 * @param max characters of input kept. @defaultValue {@link QUOTE_MAX_CHARS}
 * @example quoteInput('a\u001b[2Jb') // '"a\\u001b[2Jb"'
 */
export function quoteInput(text: unknown, max = QUOTE_MAX_CHARS): string {
  const s = typeof text === 'string' ? text : String(text);
  let cut = s.length > max ? max : s.length;
  // do not split a surrogate pair
  if (cut < s.length && cut > 0 && s.charCodeAt(cut - 1) >= 0xd800 && s.charCodeAt(cut - 1) <= 0xdbff) cut--;
  const body = (cut < s.length ? s.slice(0, cut) : s).replace(/["\\]/g, '\\$&').replace(CONTROL, escapeChar);
  return cut < s.length ? `"${body}…" (${s.length.toLocaleString('en-US')} characters)` : `"${body}"`;
}

/**
 * A message made safe for a terminal or a one-line log: control characters escaped (line breaks
 * kept when `multiline`), at most `max` characters. The last guard before stderr, job logs and the
 * nightly `.error.txt`, for messages that carry text from libraries (file system errors name the
 * path as given); the pieces of input inside a message are quoted by {@link quoteInput}.
 * @param max most characters. @defaultValue 2000
 */
export function safeMessage(message: string, opts: { multiline?: boolean; max?: number } = {}): string {
  const max = opts.max ?? 2000;
  const s = message.length > max ? `${message.slice(0, max)}… (message cut at ${max} of ${message.length} characters)` : message;
  return s.replace(CONTROL, (c) => (opts.multiline && c === '\n' ? c : escapeChar(c)));
}

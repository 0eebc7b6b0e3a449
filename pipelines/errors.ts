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

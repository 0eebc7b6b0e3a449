/**
 * The one way the CLI's long-running commands (serve, dashboard, worker) log: pino, in one
 * format per stream. `--log-format json` gives JSON lines with ISO-8601 times (for log
 * collectors); `pretty` gives `HH:MM:SS.mmm LEVEL msg key=value…` in local time (for a person).
 * The default is pretty when stderr is a terminal and JSON otherwise. The pretty form is a small
 * destination stream here (pino-pretty is not a dependency).
 */
import { createRequire } from 'node:module';
import type { Logger } from 'pino';
import { ConfigError } from '../pipelines/errors.js';

export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Settings given by the global flags (bin/program.ts sets them before a command runs). */
const settings: { format?: LogFormat; debug: boolean } = { debug: false };

/** Record the global `--log-format` and `--debug` flags. */
export function configureLogging(opts: { logFormat?: string; debug?: boolean }): void {
  settings.format = opts.logFormat === undefined ? undefined : parseLogFormat(opts.logFormat);
  settings.debug = opts.debug === true;
}

/** True when `--debug` was given: errors show their stack trace. */
export function debugEnabled(): boolean {
  return settings.debug;
}

/** @throws ConfigError for anything but pretty or json. */
export function parseLogFormat(text: string): LogFormat {
  if ((LOG_FORMATS as readonly string[]).includes(text)) return text as LogFormat;
  throw new ConfigError(`--log-format: expected pretty or json, got "${text}"`);
}

/** The format in force: the flag's, else pretty on a terminal, JSON otherwise. */
export function logFormat(isTTY = process.stderr.isTTY === true): LogFormat {
  return settings.format ?? (isTTY ? 'pretty' : 'json');
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Keys shown in the line's head, or not at all, in the pretty form. */
const HEAD_KEYS = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `HH:MM:SS.mmm` in the process's local time zone (TZ). */
export function localClock(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** A value after `key=`: bare when it has no space, quote or equals sign, JSON otherwise. */
function fieldValue(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}

/**
 * One pino JSON line as `HH:MM:SS.mmm LEVEL msg key=value…` (local time). A line that is not
 * a JSON object is passed through unchanged.
 */
export function formatPrettyLine(line: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) return line.endsWith('\n') ? line : `${line}\n`;
  const time = rec.time === undefined ? new Date() : new Date(rec.time as string | number);
  const level = LEVELS[rec.level as number] ?? String(rec.level ?? '').toUpperCase();
  const fields = Object.entries(rec)
    .filter(([k]) => !HEAD_KEYS.has(k))
    .map(([k, v]) => `${k}=${fieldValue(v)}`);
  const head = `${Number.isNaN(time.getTime()) ? String(rec.time) : localClock(time)} ${level.padEnd(5)} ${String(rec.msg ?? '')}`;
  return `${[head, ...fields].join(' ')}\n`;
}

/** A pino destination that writes the pretty form of each line to `out`. */
export function prettyDestination(out: { write(s: string): unknown; flushSync?(): void }): {
  write(s: string): void;
  flush(): void;
} {
  return {
    write: (s) => {
      for (const line of s.split('\n')) if (line) out.write(formatPrettyLine(line));
    },
    flush: () => out.flushSync?.(),
  };
}

/** The logger of a command, on stderr, in the format in force. */
export function createLogger(format: LogFormat = logFormat()): Logger {
  // loaded here, by the commands that log: every other command (a run) would load it for nothing
  const pino = createRequire(import.meta.url)('pino') as typeof import('pino').default;
  const dest = pino.destination({ dest: 2, sync: true });
  const opts = { base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  return format === 'json' ? pino(opts, dest) : pino(opts, prettyDestination(dest));
}

import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  EXIT,
  exitCodeOf,
  ForecastError,
  InputError,
  OutputError,
  PathError,
  PayloadError,
  QUOTE_MAX_CHARS,
  quoteInput,
  retryOf,
  RunFailedError,
  safeMessage,
} from '../../pipelines/errors.js';

describe('quoteInput', () => {
  it('quotes input with control characters, quotes and backslashes escaped', () => {
    expect(quoteInput('abc')).toBe('"abc"');
    expect(quoteInput('a\u001b[2Jb')).toBe('"a\\u001b[2Jb"');
    expect(quoteInput('line\nnext\r\ttab')).toBe('"line\\nnext\\r\\ttab"');
    expect(quoteInput('say "hi" \\ ok')).toBe('"say \\"hi\\" \\\\ ok"');
    expect(quoteInput('\u0000\u007f\u009b\u202e\u2028')).toBe('"\\u0000\\u007f\\u009b\\u202e\\u2028"');
    expect(quoteInput(42)).toBe('"42"');
  });
  it('keeps at most 200 characters of a long input and says how long it was', () => {
    const q = quoteInput('x'.repeat(4 * 1024 * 1024));
    expect(q).toBe(`"${'x'.repeat(QUOTE_MAX_CHARS)}…" (4,194,304 characters)`);
    expect(quoteInput('abcdef', 3)).toBe('"abc…" (6 characters)');
    // no half of a surrogate pair
    expect(quoteInput('ab😀cd', 3)).toBe('"ab…" (6 characters)');
  });
});

describe('safeMessage', () => {
  it('escapes control characters, keeps line breaks when asked, and bounds the length', () => {
    expect(safeMessage('a\u001b]0;title\u0007b')).toBe('a\\u001b]0;title\\u0007b');
    expect(safeMessage('a\nb')).toBe('a\\nb');
    expect(safeMessage('a\nb', { multiline: true })).toBe('a\nb');
    expect(safeMessage('y'.repeat(50), { max: 10 })).toBe(`${'y'.repeat(10)}… (message cut at 10 of 50 characters)`);
  });
});

describe('error classes', () => {
  it('each says whether a job retries and which exit code the CLI ends with', () => {
    const table = [
      [new ConfigError('x'), 'never', 2],
      [new PathError('x'), 'never', 2],
      [new PayloadError('x'), 'never', 2],
      [new InputError('x'), 'never', 3],
      [new OutputError('x'), 'backoff', 4],
      [new RunFailedError('x'), 'never', 5],
    ] as const;
    for (const [e, retry, code] of table) {
      expect(retryOf(e), e.name).toBe(retry);
      expect(exitCodeOf(e), e.name).toBe(code);
      expect(e).toBeInstanceOf(ForecastError);
    }
  });
  it('anything else is retried and is an unexpected failure', () => {
    expect(retryOf(new Error('ECONNRESET'))).toBe('backoff');
    expect(retryOf('text')).toBe('backoff');
    expect(exitCodeOf(new TypeError('bug'))).toBe(EXIT.unexpected);
    expect(exitCodeOf(undefined)).toBe(1);
  });
});

/**
 * The pretty log form (bin/log-format.ts) on hand-written pino JSON lines, in a fixed time zone
 * (the test sets TZ before any Date is formatted), and the choice of format.
 */
import { describe, expect, it } from 'vitest';
import { configureLogging, formatPrettyLine, logFormat, parseLogFormat, prettyDestination } from '../../bin/log-format.js';

process.env.TZ = 'Asia/Kolkata'; // UTC+05:30, no daylight saving: 02:35:04.072Z is 08:05:04.072 local

describe('formatPrettyLine', () => {
  it('writes local time, level, message and the other fields as key=value', () => {
    const line = '{"level":30,"time":"2026-12-05T02:35:04.072Z","pid":14744,"redis":"redis://127.0.0.1:39659","msg":"started a throwaway Redis"}';
    expect(formatPrettyLine(line)).toBe('08:05:04.072 INFO  started a throwaway Redis redis=redis://127.0.0.1:39659\n');
  });

  it('quotes strings with spaces, writes arrays and objects as JSON, names warnings and errors', () => {
    const line = JSON.stringify({ level: 40, time: '2026-01-31T23:59:59.005Z', msg: 'run failed', queue: 'run', error: 'disk full now', files: ['a.csv'], n: 3, ok: false });
    expect(formatPrettyLine(line)).toBe('05:29:59.005 WARN  run failed queue=run error="disk full now" files=["a.csv"] n=3 ok=false\n');
    expect(formatPrettyLine('{"level":50,"time":0,"msg":"x"}')).toBe('05:30:00.000 ERROR x\n');
  });

  it('accepts epoch-millisecond times and passes a line that is not JSON through unchanged', () => {
    expect(formatPrettyLine('{"level":30,"time":1764902104072,"msg":"m"}')).toBe('08:05:04.072 INFO  m\n');
    expect(formatPrettyLine('plain text')).toBe('plain text\n');
    expect(formatPrettyLine('[1,2]')).toBe('[1,2]\n');
  });

  it('a destination formats every line of a chunk and forwards flush', () => {
    const out: string[] = [];
    let flushed = 0;
    const dest = prettyDestination({ write: (s) => out.push(s), flushSync: () => flushed++ });
    dest.write('{"level":30,"time":0,"msg":"a"}\n{"level":20,"time":0,"msg":"b","k":"v"}\n');
    dest.flush();
    expect(out).toEqual(['05:30:00.000 INFO  a\n', '05:30:00.000 DEBUG b k=v\n']);
    expect(flushed).toBe(1);
  });
});

describe('log format choice', () => {
  it('is pretty on a terminal and JSON otherwise unless --log-format says', () => {
    configureLogging({});
    expect(logFormat(true)).toBe('pretty');
    expect(logFormat(false)).toBe('json');
    configureLogging({ logFormat: 'json' });
    expect(logFormat(true)).toBe('json');
    configureLogging({ logFormat: 'pretty' });
    expect(logFormat(false)).toBe('pretty');
    configureLogging({});
  });

  it('refuses an unknown format', () => {
    expect(() => parseLogFormat('text')).toThrow(/--log-format: expected pretty or json, got "text"/);
  });
});

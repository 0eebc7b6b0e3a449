/**
 * Parsers of option values, the one place a flag's text becomes a date or a number. Each is a
 * commander `argParser`: a value that is not what the flag expects stops the command before
 * anything runs with commander's "option '--run-date <YYYY-MM-DD>' argument '2016-13-01' is
 * invalid." followed by what was expected, and exit 2 (bin/usage.ts), like every usage error.
 * Flags added later take one of these (or commander's `.choices()` for a fixed set of words, a
 * frequency say) and inherit the same message and exit code.
 */
import { InvalidArgumentError } from 'commander';
import { parseIsoDay } from '../pipelines/dates.js';

/** A calendar date `YYYY-MM-DD` (a real date: 2016-13-01 and 2021-02-30 are refused). @returns the text */
export function isoDate(value: string): string {
  if (Number.isNaN(parseIsoDay(value))) throw new InvalidArgumentError('Expected a calendar date YYYY-MM-DD, e.g. 2016-03-27.');
  return value;
}

/**
 * A whole number within [min, max].
 * @param what the unit the flag counts, for the message ("days", "threads").
 * @example wholeNumber(1, 'days')('28') // 28
 */
export function wholeNumber(min: number, what: string, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    const n = /^[+]?\d+$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `${min} to ${max}`;
      throw new InvalidArgumentError(`Expected a whole number of ${what}, ${range}.`);
    }
    return n;
  };
}

/** A number of seconds, 0 or more (fractions allowed). */
export function seconds(value: string): number {
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('Expected a number of seconds, 0 or more.');
  return n;
}

/** A TCP port, 0 (any free port) to 65535. */
export function port(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!(n >= 0 && n <= 65535)) throw new InvalidArgumentError('Expected a TCP port, a whole number from 0 (any free port) to 65535.');
  return n;
}

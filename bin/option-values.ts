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

/** A comma-separated list of probabilities strictly between 0 and 1, ascending (`--quantiles 0.025,0.5,0.975`). */
export function probabilityList(value: string): number[] {
  const parts = value.split(',').map((p) => p.trim());
  const qs = parts.map((p) => (p === '' ? NaN : Number(p)));
  if (qs.length === 0 || qs.some((q) => !(q > 0 && q < 1)) || qs.some((q, i) => i > 0 && q <= qs[i - 1])) {
    throw new InvalidArgumentError('Expected probabilities strictly between 0 and 1, ascending and comma-separated, e.g. 0.025,0.5,0.975.');
  }
  return qs;
}

/** A comma-separated list of level names (`total,store,store/category`; `default` for the default set). */
export function levelList(value: string): string[] {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '' || p.split('/').some((a) => a.trim() === ''))) {
    throw new InvalidArgumentError('Expected level names separated by commas, e.g. total,store,store/category (or default).');
  }
  return parts;
}

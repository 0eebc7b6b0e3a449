/**
 * Reading date cells: the day number of a date or date-time text, and what sample values say
 * about the input (time of day, order of day and month).
 *
 * The scanner reads a span of code units (char-codes.ts) directly, so the ingest loop parses
 * each row's date cell without making a string for it (about 20 character reads and a few
 * integer operations for `2010-12-01 08:26:00`); {@link parseDateDay} is the same scanner over
 * a whole string. A character past the end of the span reads as -1, which matches no
 * expected character: the span behaves exactly like the string `text.slice(start, end)`.
 */
import { CodeBuffer, type CharCodes } from './char-codes.js';
import type { LocalDays } from './local-day.js';

/** Order of day and month in a slashed date such as 1/2/2011. */
export type DateOrder = 'dmy' | 'mdy';

/**
 * Day number (days since 1970-01-01) of a proleptic Gregorian date, without Date objects.
 * Source: H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil.
 */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function validYmd(y: number, m: number, d: number): boolean {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Earliest plausible sales date, 1900-01-01: earlier dates are `bad_date` (typos such as 0211-01-29). */
export const MIN_DAY = -25567;

/** What kind of label a date cell was: a calendar date, an ISO week or a month. */
export type DateLabel = 0 | 1 | 2;
/** {@link DateLabel} values. */
export const DateLabel = { Date: 0, Week: 1, Month: 2 } as const;

/** Scratch of {@link scanDate}: the date parts and the time of day read. */
interface DateParts {
  day: number;
  /** Minutes after midnight of the time part in the text's own zone; -1 when there is none. */
  minutes: number;
  /** Slashed-date evidence: 1 when the first part is above 12, 2 when the second is, 0 otherwise. */
  evidence: number;
  /** True when the date was day-month-year or month-day-year (ambiguous form). */
  slashed: boolean;
  /** A week or month label (`2016-W08`, `2016-02`, `Feb 2016`): `day` is the period's first day. */
  label: DateLabel;
}

const scratchParts: DateParts = { day: NaN, minutes: -1, evidence: 0, slashed: false, label: DateLabel.Date };

/** Code units of strings given to this module (whole cells, trimmed cells). */
const own = new CodeBuffer();

/** Character `i` of the span ending at `end`; -1 past its end. */
function at(s: CharCodes, i: number, end: number): number {
  return i < end ? s[i] : -1;
}

/**
 * Read an unsigned integer of at most `max` digits at `i` (before `end`); its value and end
 * index go to `num`. False when there is no digit at `i`.
 */
function readInt(s: CharCodes, i: number, end: number, max: number, num: Int32Array): boolean {
  let v = 0;
  let j = i;
  while (j < end && j - i < max) {
    const c = s[j] - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    j++;
  }
  if (j === i) return false;
  num[0] = v;
  num[1] = j;
  return true;
}

const intScratch = new Int32Array(2);

/**
 * Parse the date or date-time `text[start, end)`, whose code units are `codes`, into `out`;
 * false when it is not one. See {@link parseDateDay}.
 * @param zone The shop's time zone for UTC (`Z`) timestamps; null: their UTC date.
 */
function scanDate(codes: CharCodes, text: string, start: number, end: number, order: DateOrder, zone: LocalDays | null, out: DateParts): boolean {
  let s = codes;
  if (end > start && (s[start] <= 32 || s[end - 1] <= 32)) {
    const trimmed = text.slice(start, end).trim();
    s = own.of(trimmed, false);
    start = 0;
    end = trimmed.length;
  }
  out.minutes = -1;
  out.evidence = 0;
  out.slashed = false;
  out.label = DateLabel.Date;
  const i = scanCalendarDate(s, start, end, order, out);
  if (i < 0) return scanPeriodLabel(s, start, end, out);
  return i === end || scanTime(s, i, end, zone, out);
}

/**
 * The calendar date at the start of the span: `YYYYMMDD`, `YYYY-MM-DD` (`/`, `.`), `D/M/YYYY`
 * or `M/D/YYYY`; its day number goes to `out.day`.
 * @returns The index after the date, or -1 when there is none.
 */
function scanCalendarDate(s: CharCodes, start: number, end: number, order: DateOrder, out: DateParts): number {
  const n = intScratch;
  if (!readInt(s, start, end, 8, n)) return -1;
  const a = n[0];
  const aLen = n[1] - start;
  let i = n[1];
  let y: number;
  let m: number;
  let d: number;
  if (aLen === 8 && (i === end || at(s, i, end) === 32 || at(s, i, end) === 84)) {
    // YYYYMMDD
    y = Math.floor(a / 10000);
    m = Math.floor(a / 100) % 100;
    d = a % 100;
  } else {
    const sep = at(s, i, end); // '-' 45, '/' 47, '.' 46
    if (sep !== 45 && sep !== 47 && sep !== 46) return -1;
    if (!readInt(s, i + 1, end, 2, n) || n[1] - (i + 1) > 2) return -1;
    const b = n[0];
    i = n[1];
    if (at(s, i, end) !== sep) return -1;
    const cStart = i + 1;
    if (!readInt(s, cStart, end, 4, n)) return -1;
    const c = n[0];
    const cLen = n[1] - cStart;
    i = n[1];
    if (aLen === 4) {
      if (cLen > 2) return -1;
      y = a;
      m = b;
      d = c;
    } else if (aLen <= 2 && cLen === 4) {
      y = c;
      out.slashed = true;
      if (a > 12 && b <= 12) out.evidence = 1;
      else if (b > 12 && a <= 12) out.evidence = 2;
      if (sep === 46 || order === 'dmy') {
        d = a;
        m = b;
      } else {
        m = a;
        d = b;
      }
    } else return -1;
  }
  if (!validYmd(y, m, d)) return -1;
  out.day = daysFromCivil(y, m, d);
  return i;
}

/**
 * The time part after a date, `[ T]H:MM[:SS[.fff]][ AM|PM][Z|±HH[:MM]]`, to the end of the
 * span: sets `out.minutes`; a `Z` time moves `out.day` to the shop's local date when a zone is
 * given; an offset leaves the date as written, which is already the local one.
 */
function scanTime(s: CharCodes, i: number, end: number, zone: LocalDays | null, out: DateParts): boolean {
  const n = intScratch;
  const t = s[i];
  if (t !== 32 && t !== 84 && t !== 116) return false;
  i++;
  while (at(s, i, end) === 32) i++;
  if (!readInt(s, i, end, 2, n)) return false;
  let h = n[0];
  i = n[1];
  if (at(s, i, end) !== 58) return false;
  if (!readInt(s, i + 1, end, 2, n) || n[1] - (i + 1) !== 2) return false;
  const mi = n[0];
  i = n[1];
  if (at(s, i, end) === 58) {
    if (!readInt(s, i + 1, end, 2, n) || n[1] - (i + 1) !== 2 || n[0] > 60) return false;
    i = n[1];
    const f = at(s, i, end);
    if (f === 46 || f === 44) {
      if (!readInt(s, i + 1, end, 9, n)) return false;
      i = n[1];
    }
  }
  while (at(s, i, end) === 32) i++;
  // AM / PM in any case (what `toUpperCase()` maps to AM or PM)
  const a0 = at(s, i, end) | 32;
  const pm = a0 === 112;
  if ((a0 === 97 || pm) && (at(s, i + 1, end) | 32) === 109) {
    if (h < 1 || h > 12) return false;
    h = (h % 12) + (pm ? 12 : 0);
    i += 2;
    while (at(s, i, end) === 32) i++;
  }
  if (h > 23 || mi > 59) return false;
  out.minutes = h * 60 + mi;
  if (i === end) return true;
  const z = s[i];
  if ((z === 90 || z === 122) && i + 1 === end) {
    if (zone !== null) out.day = zone.localDay(out.day, out.minutes);
    return true;
  }
  return (z === 43 || z === 45) && scanOffset(s, i + 1, end);
}

/** An offset `HH`, `HHMM` or `HH:MM` (after its sign) filling the rest of the span. */
function scanOffset(s: CharCodes, i: number, end: number): boolean {
  const n = intScratch;
  if (!readInt(s, i, end, 4, n)) return false;
  const len = n[1] - i;
  let oh: number;
  let om = 0;
  if (len === 4) {
    oh = Math.floor(n[0] / 100);
    om = n[0] % 100;
    i = n[1];
  } else if (len <= 2) {
    oh = n[0];
    i = n[1];
    if (at(s, i, end) === 58) {
      if (!readInt(s, i + 1, end, 2, n) || n[1] - (i + 1) !== 2) return false;
      om = n[0];
      i = n[1];
    }
  } else return false;
  return i === end && oh <= 18 && om <= 59;
}

/** Lower-case English month names and their first three letters, January = index 0. */
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/**
 * A period label filling the span: an ISO week `YYYY-Www` (also `YYYYWww`, optionally with a
 * weekday `-D`), a month `YYYY-MM` (`/`), or `Mon YYYY` / `Month YYYY` (space, `-` or
 * `/`). `out.day` is the period's first day (the week's Monday), `out.label` its kind.
 */
function scanPeriodLabel(s: CharCodes, start: number, end: number, out: DateParts): boolean {
  const n = intScratch;
  if (readInt(s, start, end, 4, n) && n[1] - start === 4) {
    const y = n[0];
    let i = n[1];
    let c = at(s, i, end);
    if (c === 45 && (at(s, i + 1, end) | 32) === 119) c = s[++i]; // "-W"
    if ((c | 32) === 119) return scanIsoWeek(s, i + 1, end, y, out);
    // YYYY-MM, YYYY/MM (two-digit month; not `.`, which reads as a decimal number)
    if ((c === 45 || c === 47) && readInt(s, i + 1, end, 2, n) && n[1] === end && end - i === 3) return setMonth(y, n[0], out);
    return false;
  }
  // Mon YYYY
  let i = start;
  while (i < end && ((s[i] | 32) >= 97 && (s[i] | 32) <= 122)) i++;
  const len = i - start;
  if (len < 3) return false;
  let month = -1;
  for (let k = 0; k < 12 && month < 0; k++) {
    const name = MONTHS[k];
    if (len !== 3 && len !== name.length) continue;
    let j = 0;
    while (j < len && (s[start + j] | 32) === name.charCodeAt(j)) j++;
    if (j === len) month = k + 1;
  }
  if (month < 0) return false;
  const sep = at(s, i, end);
  if (sep !== 32 && sep !== 45 && sep !== 47) return false;
  i++;
  while (at(s, i, end) === 32) i++;
  if (!readInt(s, i, end, 4, n) || n[1] !== end || n[1] - i !== 4) return false;
  return setMonth(n[0], month, out);
}

function setMonth(y: number, m: number, out: DateParts): boolean {
  if (!validYmd(y, m, 1)) return false;
  out.day = daysFromCivil(y, m, 1);
  out.label = DateLabel.Month;
  return true;
}

/** `ww[-D]` after the `W` of an ISO week of year `y`: Monday of that week (ISO 8601). */
function scanIsoWeek(s: CharCodes, i: number, end: number, y: number, out: DateParts): boolean {
  const n = intScratch;
  if (!readInt(s, i, end, 2, n) || n[1] - i !== 2) return false;
  const week = n[0];
  i = n[1];
  let weekday = 1;
  if (i < end) {
    if (s[i] === 45) i++;
    if (!readInt(s, i, end, 1, n) || n[1] !== end || n[0] < 1 || n[0] > 7) return false;
    weekday = n[0];
  }
  if (y < 1 || y > 9999 || week < 1 || week > isoWeeksInYear(y)) return false;
  // Monday of week 1: the week with January 4th
  const jan4 = daysFromCivil(y, 1, 4);
  const monday1 = jan4 - ((((jan4 + 3) % 7) + 7) % 7); // day 0 (1970-01-01) was a Thursday
  out.day = monday1 + 7 * (week - 1) + weekday - 1;
  out.label = weekday === 1 ? DateLabel.Week : DateLabel.Date;
  return true;
}

/** 53 when the year starts on a Thursday, or is a leap year starting on a Wednesday; else 52. */
function isoWeeksInYear(y: number): number {
  const dow = (d: number) => (((d + 3) % 7) + 7) % 7; // 0 = Monday
  const jan1 = dow(daysFromCivil(y, 1, 1));
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return jan1 === 3 || (leap && jan1 === 2) ? 53 : 52;
}

/**
 * Day number (days since 1970-01-01 UTC) of a date or date-time text.
 *
 * Accepted forms (surrounding spaces ignored):
 * - `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD`, `YYYYMMDD`;
 * - `D/M/YYYY` or `M/D/YYYY` (also with `-`), read in the given `order`; `D.M.YYYY` is always
 *   day first;
 * - any of these followed by a time, `[ T]H:MM[:SS[.fff]]`, optionally `AM`/`PM`, optionally
 *   `Z` or an offset `±HH`, `±HHMM`, `±HH:MM`. The day is the shop's local date: with an offset,
 *   the date as written (a sale at `2026-11-30 21:30 -0500` was made on the 30th where it was
 *   made); with `Z`, the date in `zone` (config `timezone`), else the UTC date; without either,
 *   the date as written;
 * - period labels, read as the period's first day: ISO weeks `2016-W08` (`2016W08`; the week's
 *   Monday), months `2016-02` (`2016/02`) and `Feb 2016` (`February 2016`, `Feb-2016`), see
 *   {@link lastDateLabel}.
 *
 * @param text The cell text.
 * @param order Order of day and month in slashed dates. @defaultValue 'dmy'
 * @param zone The shop's time zone for UTC timestamps (local-day.ts). @defaultValue none
 * @returns The day number, or NaN when the text is not a real calendar date in one of the forms.
 */
export function parseDateDay(text: string, order: DateOrder = 'dmy', zone: LocalDays | null = null): number {
  return scanDate(own.of(text, false), text, 0, text.length, order, zone, scratchParts) ? scratchParts.day : NaN;
}

/** The kind of label the last date read by {@link parseDateDay} or {@link parseDateSpan} was. */
export function lastDateLabel(): DateLabel {
  return scratchParts.label;
}

/**
 * {@link parseDateDay} of `text.slice(start, end)`, without making that string.
 * @param codes The code units of `text` (char-codes.ts).
 */
export function parseDateSpan(codes: CharCodes, text: string, start: number, end: number, order: DateOrder = 'dmy', zone: LocalDays | null = null): number {
  return scanDate(codes, text, start, end, order, zone, scratchParts) ? scratchParts.day : NaN;
}

/** {@link scanDate} of a whole string into `scratchParts` (UTC timestamps on their UTC date). */
function scan(text: string, order: DateOrder): boolean {
  return scanDate(own.of(text, false), text, 0, text.length, order, null, scratchParts);
}

/** True when the text is a date with a time of day other than midnight (transaction lines). */
export function hasTimeOfDay(text: string): boolean {
  return scan(text, 'dmy') && scratchParts.minutes > 0;
}

/**
 * Decide the order of day and month of slashed dates from sample values: a first part above 12
 * says day-month-year, a second part above 12 says month-day-year; the side with more such
 * values wins (the other values then fail as `bad_date`).
 * @param values Date cells, e.g. the first chunk of a file.
 * @returns The order, or null when no value tells (no slashed dates, or all ambiguous).
 */
export function detectDateOrder(values: Iterable<string>): DateOrder | null {
  let dmy = 0;
  let mdy = 0;
  for (const v of values) {
    if (!scan(v, 'dmy') && !scan(v, 'mdy')) continue;
    if (scratchParts.evidence === 1) dmy++;
    else if (scratchParts.evidence === 2) mdy++;
  }
  if (dmy === 0 && mdy === 0) return null;
  return dmy >= mdy ? 'dmy' : 'mdy';
}

/** True when any of the values is a slashed (day/month order dependent) date. */
export function hasSlashedDates(values: Iterable<string>): boolean {
  for (const v of values) if (scan(v, 'dmy') && scratchParts.slashed) return true;
  return false;
}

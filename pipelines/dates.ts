/**
 * Calendar arithmetic on integer day numbers: days since 1970-01-01 (UTC).
 *
 * Every stage works on day numbers, never on Date objects, so that a series is
 * a plain offset into a Float64Array and no time zone can shift a day.
 */

const MS_PER_DAY = 86_400_000;

/** Day number of a UTC calendar date. */
export function dayFromYmd(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

/**
 * Parse `YYYY-MM-DD` strictly (no time part, real calendar date).
 * @returns the day number, or NaN when the text is not such a date.
 */
export function parseIsoDay(text: string): number {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return NaN;
  const y = Number(text.slice(0, 4));
  const m = Number(text.slice(5, 7));
  const d = Number(text.slice(8, 10));
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return NaN;
  if (m < 1 || m > 12 || d < 1 || d > 31) return NaN;
  const n = dayFromYmd(y, m, d);
  // reject 2021-02-30 and the like: the round trip must give the same text
  return formatDay(n) === text ? n : NaN;
}

/** Recently formatted days (outputs write the same few dates for every series). */
const formatted = new Map<number, string>();

/** `YYYY-MM-DD` of a day number. */
export function formatDay(day: number): string {
  let s = formatted.get(day);
  if (s === undefined) {
    s = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    if (formatted.size >= 4096) formatted.clear();
    formatted.set(day, s);
  }
  return s;
}

/** Day of week of a day number, 0 = Monday ... 6 = Sunday (ISO 8601). */
export function dayOfWeek(day: number): number {
  // 1970-01-01 was a Thursday (ISO 3)
  return (((day + 3) % 7) + 7) % 7;
}

/** Today's day number in UTC. */
export function todayDay(now: Date = new Date()): number {
  return Math.floor(now.getTime() / MS_PER_DAY);
}

/**
 * The calendar date (YYYY-MM-DD) at an instant in an IANA time zone: "today" where the shop is.
 * @param at the instant, ms since the epoch.
 * @param tz time zone, e.g. "Europe/London" or "UTC".
 */
export function dateInZone(at: number, tz: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(at));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * The same calendar date `years` years earlier (29 February becomes 28 February).
 * @param day a day number.
 * @param years whole years, >= 0.
 */
export function yearsBefore(day: number, years: number): number {
  const d = new Date(day * MS_PER_DAY);
  const y = d.getUTCFullYear() - years;
  const m = d.getUTCMonth() + 1;
  const dd = d.getUTCDate();
  return m === 2 && dd === 29 && dayFromYmd(y, 2, 29) !== dayFromYmd(y, 3, 1) - 1 ? dayFromYmd(y, 2, 28) : dayFromYmd(y, m, dd);
}

/**
 * The shop's local date of a UTC instant, in an IANA time zone (config `timezone`): a sale at
 * `2026-12-01T02:30:00Z` in `America/New_York` was made on 2026-11-30.
 *
 * The zone's offset comes from `Intl.DateTimeFormat` (the tz database of the Node.js build),
 * asked once per UTC hour of the data and kept: offsets change at most a few times a year, on a
 * whole or half hour, so an hour whose two ends have the same offset has it throughout; for the
 * hour of a change each instant is asked on its own.
 */
import { ConfigError, quoteInput } from '../../errors.js';
import { daysFromCivil } from './date-cell.js';

/** Hours whose offset is kept; past it the table starts over (bounds memory on any input). */
const MAX_CACHED_HOURS = 1 << 17;

/** Local dates of UTC instants in one time zone. */
export class LocalDays {
  private readonly format: Intl.DateTimeFormat;
  /** Offset in minutes by UTC hour number; NaN for an hour in which the offset changes. */
  private readonly byHour = new Map<number, number>();

  /**
   * @param timeZone IANA name, e.g. `Europe/Berlin`.
   * @throws ConfigError when the name is not a time zone this Node.js knows.
   */
  constructor(readonly timeZone: string) {
    try {
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
      });
    } catch {
      throw new ConfigError(`timezone ${quoteInput(timeZone, 60)} is not a time zone: expected an IANA name such as Europe/Berlin or America/New_York`);
    }
  }

  /**
   * Local day number of a UTC instant.
   * @param utcDay Day number of the UTC date.
   * @param minutes Minutes after UTC midnight (0 to 1439).
   */
  localDay(utcDay: number, minutes: number): number {
    const t = utcDay * 1440 + minutes;
    const hour = Math.floor(t / 60);
    let offset = this.byHour.get(hour);
    if (offset === undefined) {
      const a = this.offsetAt(hour * 60);
      offset = a === this.offsetAt(hour * 60 + 59) ? a : NaN;
      if (this.byHour.size >= MAX_CACHED_HOURS) this.byHour.clear();
      this.byHour.set(hour, offset);
    }
    if (offset !== offset) offset = this.offsetAt(t);
    return Math.floor((t + offset) / 1440);
  }

  /** Offset of the zone from UTC, in minutes, at `t` minutes after 1970-01-01T00:00Z. */
  offsetAt(t: number): number {
    let y = 0;
    let mo = 0;
    let d = 0;
    let h = 0;
    let mi = 0;
    for (const p of this.format.formatToParts(new Date(t * 60_000))) {
      if (p.type === 'year') y = Number(p.value);
      else if (p.type === 'month') mo = Number(p.value);
      else if (p.type === 'day') d = Number(p.value);
      else if (p.type === 'hour') h = Number(p.value);
      else if (p.type === 'minute') mi = Number(p.value);
    }
    return daysFromCivil(y, mo, d) * 1440 + h * 60 + mi - t;
  }
}

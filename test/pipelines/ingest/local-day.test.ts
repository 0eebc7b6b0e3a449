/** Local dates of UTC instants (pipelines/ingest/csv/local-day.ts), against offsets from the tz database's published rules. */
import { describe, expect, it } from 'vitest';
import { dayFromYmd } from '../../../pipelines/dates.js';
import { ConfigError } from '../../../pipelines/errors.js';
import { LocalDays } from '../../../pipelines/ingest/csv/local-day.js';
import { parseDateDay } from '../../../pipelines/ingest/csv/date-cell.js';

const at = (y: number, m: number, d: number, h: number, mi = 0) => [dayFromYmd(y, m, d), h * 60 + mi] as const;

describe('LocalDays', () => {
  it('New York: UTC-5 in winter, UTC-4 in summer (DST from 2026-03-08 07:00 UTC)', () => {
    const ny = new LocalDays('America/New_York');
    expect(ny.offsetAt(dayFromYmd(2026, 1, 15) * 1440)).toBe(-300);
    expect(ny.offsetAt(dayFromYmd(2026, 7, 15) * 1440)).toBe(-240);
    // 2026-12-01 02:30Z is 21:30 on 11-30 in New York
    expect(ny.localDay(...at(2026, 12, 1, 2, 30))).toBe(dayFromYmd(2026, 11, 30));
    expect(ny.localDay(...at(2026, 12, 1, 5, 0))).toBe(dayFromYmd(2026, 12, 1));
    // before the change: 03:59Z on 03-08 is 22:59 EST on 03-07
    expect(ny.localDay(...at(2026, 3, 8, 3, 59))).toBe(dayFromYmd(2026, 3, 7));
    // in summer, 03:30Z is 23:30 EDT on the day before, 04:00Z midnight of the day
    expect(ny.localDay(...at(2026, 7, 15, 3, 30))).toBe(dayFromYmd(2026, 7, 14));
    expect(ny.localDay(...at(2026, 7, 15, 4, 0))).toBe(dayFromYmd(2026, 7, 15));
  });

  it('an hour with a change in it is read instant by instant (Lord Howe: half-hour shift at 02:00 local)', () => {
    // Australia/Lord_Howe: +10:30 standard, +11 daylight; DST ends 2026-04-05 02:00 local = 2026-04-04 15:00Z
    const lh = new LocalDays('Australia/Lord_Howe');
    expect(lh.offsetAt(dayFromYmd(2026, 1, 10) * 1440)).toBe(660);
    expect(lh.offsetAt(dayFromYmd(2026, 6, 10) * 1440)).toBe(630);
    // 13:15Z + 11h = 00:15 on 04-05; 12:45Z + 11h = 23:45 on 04-04
    expect(lh.localDay(...at(2026, 4, 4, 13, 15))).toBe(dayFromYmd(2026, 4, 5));
    expect(lh.localDay(...at(2026, 4, 4, 12, 45))).toBe(dayFromYmd(2026, 4, 4));
  });

  it('east of UTC: Tokyo +9 moves 16:00Z to the next day', () => {
    const tokyo = new LocalDays('Asia/Tokyo');
    expect(tokyo.localDay(...at(2026, 12, 31, 15, 0))).toBe(dayFromYmd(2027, 1, 1));
    expect(tokyo.localDay(...at(2026, 12, 31, 14, 59))).toBe(dayFromYmd(2026, 12, 31));
  });

  it('an unknown zone is a ConfigError', () => {
    expect(() => new LocalDays('Mars/Olympus')).toThrow(ConfigError);
  });

  it('the date scanner applies the zone to Z timestamps only', () => {
    const ny = new LocalDays('America/New_York');
    expect(parseDateDay('2026-12-01T02:30:00Z', 'dmy', ny)).toBe(dayFromYmd(2026, 11, 30));
    expect(parseDateDay('2026-12-01T02:30:00Z')).toBe(dayFromYmd(2026, 12, 1));
    // an offset already says where: the date as written
    expect(parseDateDay('2026-12-01T02:30:00+09:00', 'dmy', ny)).toBe(dayFromYmd(2026, 12, 1));
    // no zone at all: the date as written
    expect(parseDateDay('2026-12-01 02:30', 'dmy', ny)).toBe(dayFromYmd(2026, 12, 1));
  });
});

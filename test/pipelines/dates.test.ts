import { describe, expect, it } from 'vitest';
import { dayFromYmd, dayOfWeek, formatDay, parseIsoDay } from '../../pipelines/dates.js';

describe('dates', () => {
  it('round-trips ISO dates and rejects impossible ones', () => {
    expect(parseIsoDay('1970-01-01')).toBe(0);
    expect(parseIsoDay('2016-03-27')).toBe(dayFromYmd(2016, 3, 27));
    expect(formatDay(parseIsoDay('2011-01-29'))).toBe('2011-01-29');
    expect(parseIsoDay('2021-02-30')).toBeNaN();
    expect(parseIsoDay('2021-2-3')).toBeNaN();
  });
  it('gives ISO weekdays (0 = Monday)', () => {
    expect(dayOfWeek(dayFromYmd(2011, 1, 29))).toBe(5); // M5 starts on a Saturday
    expect(dayOfWeek(dayFromYmd(2024, 1, 1))).toBe(0); // a Monday
  });
});

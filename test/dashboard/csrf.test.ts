import { describe, expect, it } from 'vitest';
import { csrfVerdict, ownOrigins } from '../../dashboard/csrf.js';

const host = '127.0.0.1:3000';

describe('csrfVerdict', () => {
  it('lets safe methods through unchecked', () => {
    for (const m of ['GET', 'head', 'OPTIONS']) expect(csrfVerdict(m, { host, origin: 'https://evil.example' })).toEqual({ ok: true });
  });

  it('accepts what a same-origin browser request carries', () => {
    expect(csrfVerdict('PUT', { host, origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' })).toEqual({ ok: true });
    expect(csrfVerdict('POST', { host, 'sec-fetch-site': 'same-origin' })).toEqual({ ok: true });
    expect(csrfVerdict('POST', { host, origin: 'http://127.0.0.1:3000' })).toEqual({ ok: true });
    expect(csrfVerdict('PATCH', { host, referer: 'http://127.0.0.1:3000/queues/queue/run' })).toEqual({ ok: true });
    // behind a TLS-terminating proxy
    expect(csrfVerdict('DELETE', { host: 'forecast.example.com', origin: 'https://forecast.example.com' })).toEqual({ ok: true });
  });

  it('refuses cross-site and same-site requests (another port on localhost is the same site)', () => {
    const refused = (h: Record<string, string>) => csrfVerdict('POST', { host, ...h }).ok;
    expect(refused({ 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' })).toBe(false);
    expect(refused({ 'sec-fetch-site': 'same-site', origin: 'http://127.0.0.1:8080' })).toBe(false);
    expect(refused({ 'sec-fetch-site': 'none' })).toBe(false);
    expect(refused({ origin: 'http://127.0.0.1:8080' })).toBe(false);
    expect(refused({ origin: 'http://localhost:3000' })).toBe(false);
    expect(refused({ origin: 'null' })).toBe(false);
    expect(refused({ origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'cross-site' })).toBe(false);
    expect(refused({ referer: 'https://evil.example/page?u=http://127.0.0.1:3000' })).toBe(false);
    expect(refused({ referer: 'not a url' })).toBe(false);
  });

  it('refuses a state-changing request that carries no origin information at all', () => {
    const v = csrfVerdict('POST', { host });
    expect(v.ok).toBe(false);
    expect(v.ok === false && v.reason).toMatch(/no Origin/);
    expect(csrfVerdict('POST', { origin: 'http://127.0.0.1:3000' }).ok).toBe(false); // no Host
  });
});

describe('ownOrigins', () => {
  it('lists the http and https origin of the Host header', () => {
    expect(ownOrigins('LocalHost:3000')).toEqual(['http://localhost:3000', 'https://localhost:3000']);
    expect(ownOrigins(undefined)).toEqual([]);
  });
});

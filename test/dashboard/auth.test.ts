import { describe, expect, it } from 'vitest';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../../pipelines/errors.js';
import {
  basicAuth,
  credentialsMatch,
  DEFAULT_USER,
  describeLoginFailure,
  FREE_FAILURES,
  isLoopbackHost,
  LoginThrottle,
  MAX_LOCK_MS,
  parseBasicAuth,
  resolveCredentials,
  type LoginFailure,
} from '../../dashboard/auth.js';

describe('isLoopbackHost', () => {
  it('accepts only addresses this machine alone can reach', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', 'app.localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '128.0.0.1', 'localhost.example.com', '::ffff:10.0.0.1']) expect(isLoopbackHost(h), h).toBe(false);
  });
});

describe('resolveCredentials', () => {
  const fixed = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => i));

  it('uses configured credentials on any address', () => {
    expect(resolveCredentials({ user: 'ops', password: 'pw-123456789' }, '0.0.0.0')).toEqual({ user: 'ops', password: 'pw-123456789', generated: false });
    expect(resolveCredentials({ password: 'pw' }, '127.0.0.1')).toEqual({ user: DEFAULT_USER, password: 'pw', generated: false });
  });

  it('generates a random password on loopback when none is configured', () => {
    // 18 bytes 00..11 in base64url (RFC 4648 section 5), computed with: printf '\x00...\x11' | base64 | tr '+/' '-_' | tr -d '='
    expect(resolveCredentials({}, '127.0.0.1', fixed)).toEqual({ user: 'forecast', password: 'AAECAwQFBgcICQoLDA0ODxAR', generated: true });
    const a = resolveCredentials({ user: 'me' }, 'localhost');
    const b = resolveCredentials({ user: 'me' }, 'localhost');
    expect(a.user).toBe('me');
    expect(a.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(a.password).not.toBe(b.password);
  });

  it('refuses a non-loopback address without a password', () => {
    expect(() => resolveCredentials({}, '0.0.0.0')).toThrow(ConfigError);
    expect(() => resolveCredentials({ user: 'ops' }, '192.168.1.5')).toThrow(/refusing to listen on 192\.168\.1\.5 without credentials.*FORECAST_DASHBOARD_PASSWORD/);
  });

  it('refuses a configured password shorter than 12 characters off loopback, and only there', () => {
    expect(() => resolveCredentials({ user: 'ops', password: 'pw-12345678' }, '0.0.0.0')).toThrow(/refusing to listen on 0\.0\.0\.0 with a password of 11 characters; .* at least 12/);
    expect(() => resolveCredentials({ password: 'short' }, '192.168.1.5')).toThrow(ConfigError);
    expect(resolveCredentials({ password: 'short' }, '127.0.0.1').password).toBe('short');
  });

  it('refuses a user name Basic authentication cannot carry', () => {
    expect(() => resolveCredentials({ user: 'a:b', password: 'x' }, '127.0.0.1')).toThrow(/must not contain ":"/);
  });
});

describe('parseBasicAuth', () => {
  it('decodes the RFC 7617 example and keeps colons in the password', () => {
    // RFC 7617 section 2: "Aladdin" / "open sesame" -> QWxhZGRpbjpvcGVuIHNlc2FtZQ==
    expect(parseBasicAuth('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')).toEqual({ user: 'Aladdin', password: 'open sesame' });
    // printf 'forecast:s3cr:et' | base64
    expect(parseBasicAuth('basic Zm9yZWNhc3Q6czNjcjpldA==')).toEqual({ user: 'forecast', password: 's3cr:et' });
  });
  it('returns null for anything that is not Basic credentials', () => {
    for (const h of [undefined, '', 'Bearer abc', 'Basic', 'Basic !!!', `Basic ${Buffer.from('nocolon').toString('base64')}`]) expect(parseBasicAuth(h), String(h)).toBeNull();
  });
});

describe('credentialsMatch', () => {
  it('needs both user and password to match exactly', () => {
    const c = { user: 'forecast', password: 'pw' };
    expect(credentialsMatch({ user: 'forecast', password: 'pw' }, c)).toBe(true);
    expect(credentialsMatch({ user: 'forecast', password: 'pw ' }, c)).toBe(false);
    expect(credentialsMatch({ user: 'Forecast', password: 'pw' }, c)).toBe(false);
    expect(credentialsMatch({ user: '', password: '' }, c)).toBe(false);
  });
});

describe('basicAuth middleware', () => {
  it('answers 401 with a Basic challenge without credentials and passes with them', async () => {
    const app = express();
    app.use(basicAuth({ user: 'forecast', password: 'pw' }));
    app.get('/x', (_req, res) => res.send('ok'));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
    try {
      const anon = await fetch(url);
      expect(anon.status).toBe(401);
      expect(anon.headers.get('www-authenticate')).toBe('Basic realm="forecast dashboard", charset="UTF-8"');
      const wrong = await fetch(url, { headers: { authorization: `Basic ${Buffer.from('forecast:nope').toString('base64')}` } });
      expect(wrong.status).toBe(401);
      const ok = await fetch(url, { headers: { authorization: `Basic ${Buffer.from('forecast:pw').toString('base64')}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe('ok');
    } finally {
      server.close();
    }
  });
});

describe('LoginThrottle', () => {
  it('lets 4 failures pass, then imposes 1, 2, 4, ... seconds, at most 15 minutes; a success starts afresh', () => {
    let now = 1_000_000;
    const t = new LoginThrottle(() => now);
    const waits: number[] = [];
    for (let i = 0; i < 16; i++) {
      const { failures, lockedMs } = t.fail('10.0.0.1');
      expect(failures).toBe(i + 1);
      waits.push(lockedMs);
      expect(t.waitMs('10.0.0.1')).toBe(lockedMs);
      now += lockedMs; // the attacker waits exactly as long as asked
    }
    expect(FREE_FAILURES).toBe(5);
    expect(waits.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(waits.slice(4, 10)).toEqual([1000, 2000, 4000, 8000, 16000, 32000]);
    expect(waits[15]).toBe(MAX_LOCK_MS);
    expect(t.waitMs('10.0.0.2')).toBe(0); // per address
    t.succeed('10.0.0.1');
    expect(t.waitMs('10.0.0.1')).toBe(0);
    expect(t.fail('10.0.0.1')).toEqual({ failures: 1, lockedMs: 0 });
  });

  it('tracks a bounded number of addresses', () => {
    const t = new LoginThrottle(Date.now, 3);
    for (const a of ['a', 'b', 'c', 'd']) for (let i = 0; i < 6; i++) t.fail(a);
    expect(t.waitMs('a')).toBe(0); // forgotten, the idlest
    expect(t.waitMs('d')).toBeGreaterThan(0);
  });
});

describe('basicAuth throttling and logging', () => {
  it('logs every failed attempt with user, address and time, answers 429 with Retry-After once slowed, even to the right password', async () => {
    const failures: LoginFailure[] = [];
    const app = express();
    app.use(basicAuth({ user: 'forecast', password: 'pw' }, { onFailure: (f) => failures.push(f) }));
    app.get('/x', (_req, res) => res.send('ok'));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
    const as = (user: string, pw: string) => ({ headers: { authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}` } });
    try {
      expect((await fetch(url)).status).toBe(401); // no credentials: not an attempt
      for (let i = 1; i <= 4; i++) expect((await fetch(url, as('admin\u001b[2J', `guess${i}`))).status).toBe(401);
      expect((await fetch(url, as('forecast', 'pw'))).status).toBe(200); // still free: a success clears the count
      for (let i = 1; i <= 5; i++) expect((await fetch(url, as('root', `guess${i}`))).status).toBe(401);
      const slowed = await fetch(url, as('forecast', 'pw'));
      expect(slowed.status).toBe(429);
      expect(Number(slowed.headers.get('retry-after'))).toBe(1);
      expect(failures).toHaveLength(9);
      expect(failures[0]).toMatchObject({ user: '"admin\\u001b[2J"', address: '127.0.0.1', failures: 1, lockedMs: 0 });
      expect(new Date(failures[0].at).getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(failures[8]).toMatchObject({ user: '"root"', failures: 5, lockedMs: 1000 });
      expect(describeLoginFailure(failures[8])).toMatch(/^dashboard: failed login for user "root" from 127\.0\.0\.1 at \S+ \(5 in a row; next attempt accepted in 1 s\)$/);
      expect(failures.map(describeLoginFailure).join('\n')).not.toMatch(/guess/);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await fetch(url, as('forecast', 'pw'))).status).toBe(200);
    } finally {
      server.close();
    }
  });
});

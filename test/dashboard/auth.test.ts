import { describe, expect, it } from 'vitest';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../../pipelines/errors.js';
import { basicAuth, credentialsMatch, DEFAULT_USER, isLoopbackHost, parseBasicAuth, resolveCredentials } from '../../dashboard/auth.js';

describe('isLoopbackHost', () => {
  it('accepts only addresses this machine alone can reach', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', 'app.localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '128.0.0.1', 'localhost.example.com', '::ffff:10.0.0.1']) expect(isLoopbackHost(h), h).toBe(false);
  });
});

describe('resolveCredentials', () => {
  const fixed = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => i));

  it('uses configured credentials on any address', () => {
    expect(resolveCredentials({ user: 'ops', password: 'pw-1234567' }, '0.0.0.0')).toEqual({ user: 'ops', password: 'pw-1234567', generated: false });
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

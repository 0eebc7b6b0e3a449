import { describe, expect, it } from 'vitest';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { hostGuard, hostName } from '../../dashboard/host-guard.js';

function get(port: number, hostHeader: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host: hostHeader } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('hostName', () => {
  it('strips the port and IPv6 brackets', () => {
    expect(hostName('localhost:3000')).toBe('localhost');
    expect(hostName('127.0.0.1')).toBe('127.0.0.1');
    expect(hostName('[::1]:3000')).toBe('::1');
    expect(hostName('evil.example:80')).toBe('evil.example');
    expect(hostName(undefined)).toBeNull();
    expect(hostName('a b')).toBeNull();
  });
});

describe('hostGuard', () => {
  it('on a loopback bind answers only loopback Host names (DNS rebinding)', async () => {
    const app = express();
    app.use(hostGuard('127.0.0.1'));
    app.get('/', (_req, res) => res.send('ok'));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    try {
      expect(await get(port, `127.0.0.1:${port}`)).toBe(200);
      expect(await get(port, `localhost:${port}`)).toBe(200);
      expect(await get(port, `[::1]:${port}`)).toBe(200);
      expect(await get(port, `evil.example:${port}`)).toBe(400);
      expect(await get(port, '10.0.0.5')).toBe(400);
    } finally {
      server.close();
    }
  });

  it('on another bind lets every Host through (authentication is mandatory there)', async () => {
    const app = express();
    app.use(hostGuard('0.0.0.0'));
    app.get('/', (_req, res) => res.send('ok'));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    try {
      expect(await get(port, 'forecast.example.com')).toBe(200);
    } finally {
      server.close();
    }
  });
});

/**
 * HTTP Basic authentication of the dashboard (RFC 7617), on by default.
 *
 * Credentials come from config `dashboard.user` / `dashboard.password`, which the environment
 * variables `FORECAST_DASHBOARD_USER` / `FORECAST_DASHBOARD_PASSWORD` fill in (config/load.ts).
 * With no password configured the dashboard may only bind a loopback address, and then it makes
 * up a random password that the command prints once to stderr; on any other address it refuses
 * to start. Comparison is constant-time (SHA-256 digests compared with `timingSafeEqual`), so
 * response timing reveals nothing about how much of a guess was right.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ConfigError } from '../pipelines/errors.js';
import type { Config } from '../config/schema.js';

/** User name used when only a password is configured, or when one is generated. */
export const DEFAULT_USER = 'forecast';

/** Realm announced in `WWW-Authenticate`. */
export const REALM = 'forecast dashboard';

/** The credentials a dashboard accepts. */
export interface Credentials {
  readonly user: string;
  readonly password: string;
  /** True when the password was generated at start (no credentials configured). */
  readonly generated: boolean;
}

/**
 * True for an address that only this machine can reach: `localhost`, `::1`, any 127.0.0.0/8
 * address (IPv4 or IPv4-mapped IPv6).
 * @param host a host name or IP literal, with or without IPv6 brackets.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * Decide the dashboard's credentials for a bind address.
 * @param dashboard config `dashboard` (user, password).
 * @param host the address the server will bind.
 * @param random source of random bytes (tests pass a fixed one). @defaultValue crypto.randomBytes
 * @returns the configured credentials, or for a loopback host without a password a generated
 *   password (24 URL-safe characters, 144 bits) for the configured or default user.
 * @throws ConfigError when `host` is not loopback and no password is configured, or when a
 *   configured user name contains ':' (which Basic authentication cannot carry).
 */
export function resolveCredentials(
  dashboard: Pick<Config['dashboard'], 'user' | 'password'>,
  host: string,
  random: (n: number) => Buffer = randomBytes,
): Credentials {
  const user = dashboard.user ?? DEFAULT_USER;
  if (user.includes(':')) throw new ConfigError(`dashboard user must not contain ":" (HTTP Basic authentication), got "${user}"`);
  if (!user) throw new ConfigError('dashboard user must not be empty');
  if (dashboard.password) return { user, password: dashboard.password, generated: false };
  if (!isLoopbackHost(host)) {
    throw new ConfigError(
      `dashboard: refusing to listen on ${host} without credentials; set FORECAST_DASHBOARD_USER and FORECAST_DASHBOARD_PASSWORD ` +
        '(or dashboard.user / dashboard.password in the config file), or bind 127.0.0.1',
    );
  }
  return { user, password: random(18).toString('base64url'), generated: true };
}

/**
 * Parse an `Authorization: Basic ...` header.
 * @returns user and password, or null when the header is missing or not Basic or malformed.
 */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | null {
  if (!header) return null;
  const m = /^Basic[ \t]+([A-Za-z0-9+/=._~-]+)[ \t]*$/i.exec(header);
  if (!m) return null;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/**
 * Constant-time check of a user/password pair against the credentials (both fields are always
 * compared, so a wrong user takes as long as a wrong password).
 */
export function credentialsMatch(given: { user: string; password: string }, expected: Pick<Credentials, 'user' | 'password'>): boolean {
  const userOk = timingSafeEqual(digest(given.user), digest(expected.user));
  const passOk = timingSafeEqual(digest(given.password), digest(expected.password));
  return userOk && passOk;
}

/**
 * Express middleware: answer 401 with a Basic challenge unless the request carries the
 * credentials. Applies to every route it is mounted in front of (pages, bull-board's API and
 * static files alike).
 */
export function basicAuth(credentials: Pick<Credentials, 'user' | 'password'>): RequestHandler {
  return (req, res, next) => {
    const given = parseBasicAuth(req.headers.authorization);
    if (given && credentialsMatch(given, credentials)) {
      next();
      return;
    }
    res
      .status(401)
      .set('WWW-Authenticate', `Basic realm="${REALM}", charset="UTF-8"`)
      .set('Cache-Control', 'no-store')
      .type('text/plain')
      .send('authentication required\n');
  };
}

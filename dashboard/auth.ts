/**
 * HTTP Basic authentication of the dashboard (RFC 7617), on by default.
 *
 * Credentials come from config `dashboard.user` / `dashboard.password`, which the environment
 * variables `FORECAST_DASHBOARD_USER` / `FORECAST_DASHBOARD_PASSWORD` fill in (config/load.ts).
 * With no password configured the dashboard may only bind a loopback address, and then it makes
 * up a random password that the command prints once to stderr; on any other address it refuses
 * to start, and a configured password shorter than {@link MIN_PASSWORD_LENGTH} characters is
 * refused there. Comparison is constant-time (SHA-256 digests compared with `timingSafeEqual`),
 * so response timing reveals nothing about how much of a guess was right.
 *
 * Guessing is slowed per client address ({@link LoginThrottle}): every failed attempt is
 * reported (user, address, time); from the {@link FREE_FAILURES}th failure in a row an address
 * must wait 1, 2, 4, ... seconds (at most 15 minutes) before its next attempt, and gets 429 with
 * `Retry-After` until then, whatever credentials it sends. A success clears its count. The
 * address is the TCP peer: behind a proxy every client shares the proxy's.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ConfigError, quoteInput } from '../pipelines/errors.js';
import type { Config } from '../config/schema.js';

/** Shortest configured password accepted on a non-loopback address. */
export const MIN_PASSWORD_LENGTH = 12;

/** Failed attempts from an address before it is slowed down. */
export const FREE_FAILURES = 5;

/** Longest wait imposed on an address, ms. */
export const MAX_LOCK_MS = 15 * 60_000;

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
  if (dashboard.password) {
    if (dashboard.password.length < MIN_PASSWORD_LENGTH && !isLoopbackHost(host)) {
      throw new ConfigError(
        `dashboard: refusing to listen on ${host} with a password of ${dashboard.password.length} characters; ` +
          `one reachable over a network needs at least ${MIN_PASSWORD_LENGTH} (FORECAST_DASHBOARD_PASSWORD or dashboard.password)`,
      );
    }
    return { user, password: dashboard.password, generated: false };
  }
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

/** A failed login, as reported. */
export interface LoginFailure {
  /** The user name tried (quoted and escaped: it is input). */
  readonly user: string;
  /** The client's address. */
  readonly address: string;
  /** ISO time. */
  readonly at: string;
  /** Failures in a row from this address. */
  readonly failures: number;
  /** Wait imposed on the address from now, ms (0: none yet). */
  readonly lockedMs: number;
}

/**
 * Failed logins per client address, with an exponential wait after {@link FREE_FAILURES} of
 * them (see the module comment). Bounded: at most `maxAddresses` addresses are tracked (the one
 * idle longest is forgotten first), and an address idle for a day is forgotten.
 */
export class LoginThrottle {
  private readonly byAddress = new Map<string, { failures: number; until: number; last: number }>();

  /**
   * @param now clock, ms. @defaultValue Date.now
   * @param maxAddresses addresses tracked at most. @defaultValue 10000
   */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxAddresses = 10_000,
  ) {}

  /** Milliseconds the address must still wait before an attempt is looked at (0: none). */
  waitMs(address: string): number {
    const s = this.byAddress.get(address);
    return s ? Math.max(0, s.until - this.now()) : 0;
  }

  /** Record a failed attempt; returns the failures in a row and the wait now imposed, ms. */
  fail(address: string): { failures: number; lockedMs: number } {
    const now = this.now();
    let s = this.byAddress.get(address);
    if (s && now - s.last > 24 * 3600_000) s = undefined;
    if (!s) {
      if (this.byAddress.size >= this.maxAddresses) this.evict();
      s = { failures: 0, until: 0, last: now };
    }
    this.byAddress.delete(address);
    this.byAddress.set(address, s); // most recent last
    s.failures++;
    s.last = now;
    // from the FREE_FAILURES-th failure in a row: 1 s, 2 s, 4 s, ... at most MAX_LOCK_MS
    const over = s.failures - FREE_FAILURES;
    const lockedMs = over >= 0 ? Math.min(MAX_LOCK_MS, 1000 * 2 ** Math.min(over, 20)) : 0;
    s.until = now + lockedMs;
    return { failures: s.failures, lockedMs };
  }

  /** A successful login: the address starts afresh. */
  succeed(address: string): void {
    this.byAddress.delete(address);
  }

  private evict(): void {
    const oldest = this.byAddress.keys().next();
    if (!oldest.done) this.byAddress.delete(oldest.value);
  }
}

/**
 * Express middleware: answer 401 with a Basic challenge unless the request carries the
 * credentials; an address slowed down by failed attempts gets 429 with `Retry-After` instead,
 * before its credentials are looked at. Applies to every route it is mounted in front of (pages,
 * bull-board's API and static files alike).
 * @param opts.throttle the failure counter. @defaultValue a new {@link LoginThrottle}
 * @param opts.onFailure told about every failed attempt. @defaultValue one line on stderr
 */
export function basicAuth(
  credentials: Pick<Credentials, 'user' | 'password'>,
  opts: { throttle?: LoginThrottle; onFailure?: (f: LoginFailure) => void } = {},
): RequestHandler {
  const throttle = opts.throttle ?? new LoginThrottle();
  const report = opts.onFailure ?? ((f: LoginFailure) => process.stderr.write(`${describeLoginFailure(f)}\n`));
  return (req, res, next) => {
    const address = req.socket.remoteAddress ?? 'unknown';
    const wait = throttle.waitMs(address);
    if (wait > 0) {
      res
        .status(429)
        .set('Retry-After', String(Math.ceil(wait / 1000)))
        .set('Cache-Control', 'no-store')
        .type('text/plain')
        .send('too many failed logins from this address: try again later\n');
      return;
    }
    const given = parseBasicAuth(req.headers.authorization);
    if (given && credentialsMatch(given, credentials)) {
      throttle.succeed(address);
      next();
      return;
    }
    if (given) {
      const { failures, lockedMs } = throttle.fail(address);
      report({ user: quoteInput(given.user, 64), address, at: new Date().toISOString(), failures, lockedMs });
    }
    res
      .status(401)
      .set('WWW-Authenticate', `Basic realm="${REALM}", charset="UTF-8"`)
      .set('Cache-Control', 'no-store')
      .type('text/plain')
      .send('authentication required\n');
  };
}

/** One log line for a failed login (never the password tried). */
export function describeLoginFailure(f: LoginFailure): string {
  return `dashboard: failed login for user ${f.user} from ${f.address} at ${f.at} (${f.failures} in a row${f.lockedMs ? `; next attempt accepted in ${Math.ceil(f.lockedMs / 1000)} s` : ''})`;
}

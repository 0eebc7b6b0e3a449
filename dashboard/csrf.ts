/**
 * Cross-site request forgery protection for every state-changing request (POST, PUT, PATCH,
 * DELETE), bull-board's API routes included.
 *
 * Basic-auth credentials are ambient: a browser sends them with any request to the dashboard,
 * also one made by another site's page. So a state-changing request is accepted only when the
 * browser says it comes from the dashboard's own origin (OWASP CSRF Prevention Cheat Sheet,
 * "Fetch Metadata headers" and "Verifying origin with standard headers"):
 *
 * 1. `Sec-Fetch-Site`, when present, must be `same-origin` (`same-site` is refused: another port
 *    on the same host is the same site);
 * 2. `Origin`, when present, must be the dashboard's own origin (`null` is refused);
 * 3. without both, `Referer` must start with the dashboard's own origin;
 * 4. a request with none of the three is refused (scripts add `Origin: http://HOST:PORT`).
 *
 * bull-board's UI sends same-origin XHRs, which carry these headers, so it needs no token.
 */
import type { RequestHandler } from 'express';

/** Methods that never change state, and pass unchecked. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Outcome of {@link csrfVerdict}. */
export type CsrfVerdict = { ok: true } | { ok: false; reason: string };

/**
 * The origins a request to `host` may come from: `http://host` and `https://host` (the latter
 * for a TLS-terminating proxy in front).
 * @param host the request's `Host` header (name and port).
 */
export function ownOrigins(host: string | undefined): string[] {
  if (!host) return [];
  const h = host.trim().toLowerCase();
  return [`http://${h}`, `https://${h}`];
}

function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.origin === 'null' ? null : u.origin.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * Decide whether a request may change state.
 * @param method HTTP method (any case).
 * @param headers request headers (lower-case names, as Node gives them).
 * @returns `{ ok: true }`, or `{ ok: false, reason }` naming the failed check.
 */
export function csrfVerdict(method: string, headers: Record<string, string | string[] | undefined>): CsrfVerdict {
  if (SAFE_METHODS.has(method.toUpperCase())) return { ok: true };
  const one = (name: string): string | undefined => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const allowed = ownOrigins(one('host'));
  if (!allowed.length) return { ok: false, reason: 'no Host header' };
  const site = one('sec-fetch-site');
  if (site !== undefined && site.toLowerCase() !== 'same-origin') {
    return { ok: false, reason: `Sec-Fetch-Site is "${site}", not same-origin` };
  }
  const origin = one('origin');
  if (origin !== undefined) {
    const o = originOf(origin);
    if (!o || !allowed.includes(o)) return { ok: false, reason: `Origin "${origin}" is not this dashboard` };
    return { ok: true };
  }
  if (site !== undefined) return { ok: true };
  const referer = one('referer');
  if (referer !== undefined) {
    const o = originOf(referer);
    if (!o || !allowed.includes(o)) return { ok: false, reason: 'Referer is not this dashboard' };
    return { ok: true };
  }
  return { ok: false, reason: 'no Origin, Sec-Fetch-Site or Referer header (scripts: send Origin: http://HOST:PORT)' };
}

/**
 * Express middleware applying {@link csrfVerdict}: a refused request gets 403 with a JSON body
 * in bull-board's error shape, so its UI shows the reason.
 */
export function csrfGuard(): RequestHandler {
  return (req, res, next) => {
    const v = csrfVerdict(req.method, req.headers);
    if (v.ok) {
      next();
      return;
    }
    res.status(403).json({ error: { key: 'ERRORS.FORBIDDEN' }, message: `cross-site request refused: ${v.reason}` });
  };
}

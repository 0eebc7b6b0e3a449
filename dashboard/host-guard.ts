/**
 * DNS-rebinding guard for a dashboard bound to a loopback address.
 *
 * A page on `evil.example` can make its name resolve to 127.0.0.1 and then talk to the
 * dashboard as if it were its own origin (the `Origin` and `Host` headers then agree). A
 * loopback-bound dashboard therefore answers only requests whose `Host` names a loopback host
 * (`localhost`, `127.0.0.1`, `[::1]`, with any port). A dashboard bound to another address is
 * reached under names it cannot know and skips this check; authentication is mandatory there.
 */
import type { RequestHandler } from 'express';
import { isLoopbackHost } from './auth.js';

/**
 * The host name of a `Host` header, without its port and without IPv6 brackets.
 * @returns the name, or null when the header is missing or malformed.
 */
export function hostName(header: string | undefined): string | null {
  if (!header) return null;
  const h = header.trim();
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::\d+)?$/.exec(h);
  if (v6) return v6[1];
  const m = /^([A-Za-z0-9.-]+)(?::\d+)?$/.exec(h);
  return m ? m[1] : null;
}

/**
 * Express middleware: when `bindHost` is a loopback address, refuse (400) requests whose `Host`
 * is not a loopback name; otherwise pass everything.
 * @param bindHost the address the server listens on.
 */
export function hostGuard(bindHost: string): RequestHandler {
  const enforce = isLoopbackHost(bindHost);
  return (req, res, next) => {
    if (!enforce) {
      next();
      return;
    }
    const name = hostName(req.headers.host);
    if (name && isLoopbackHost(name)) {
      next();
      return;
    }
    res.status(400).type('text/plain').send('unexpected Host header: this dashboard only answers to localhost\n');
  };
}

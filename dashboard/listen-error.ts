/**
 * A server that cannot listen (port in use, port not allowed, address not on this machine) is a
 * settings problem the user fixes with a flag: one line saying what and how, exit 2.
 */
import { ConfigError } from '../pipelines/errors.js';

/**
 * The error to throw when `listen(port, host)` failed.
 * @param flag the option that chooses the port, named in the advice (e.g. `--port`).
 * @returns a ConfigError for the known causes, the original error otherwise.
 */
export function listenError(e: unknown, host: string, port: number, flag = '--port'): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new ConfigError(`port ${port} on ${host} is in use: stop the other program or pass ${flag} N (${flag} 0 picks any free port)`);
  if (code === 'EACCES') return new ConfigError(`not allowed to listen on port ${port} on ${host}: ports below 1024 need privileges; pass ${flag} N with N of 1024 or more`);
  if (code === 'EADDRNOTAVAIL') return new ConfigError(`cannot listen on ${host}: no such address on this machine; pass --host with one of its addresses (127.0.0.1 for this machine only)`);
  return e;
}

/**
 * Test hook for the "killed during publish" fault tests, loaded with
 * `node --import ./test/reliability/pause-hook.mjs dist/bin/forecast.js run ...`.
 *
 * It wraps fs.promises.rename (which pipelines/io/atomic-write.ts and publish.ts use for every
 * atomic step) so that the process stops for good just before a chosen rename, after writing
 * a marker file; the test then SIGKILLs it there. Nothing in the product knows about it.
 *
 * RELIABILITY_PAUSE_AT: `file:<name>` (a temporary file being renamed to <name> in a staging
 * directory), `promote` (the staging directory being renamed to runs/<run_id>), or `latest`
 * (the new `latest` symlink being renamed over the old one).
 * RELIABILITY_PAUSE_MARKER: the file written when the pause point is reached.
 */
import fs from 'node:fs';
import { basename } from 'node:path';
import { syncBuiltinESMExports } from 'node:module';

const at = process.env.RELIABILITY_PAUSE_AT;
const marker = process.env.RELIABILITY_PAUSE_MARKER;
if (at && marker) {
  const original = fs.promises.rename;
  const matches = (from, to) => {
    const f = String(from);
    const t = String(to);
    if (at === 'promote') return basename(f).startsWith('.staging-');
    if (at === 'latest') return basename(t) === 'latest';
    if (at.startsWith('file:')) return basename(t) === at.slice(5) && f.includes('.staging-');
    return false;
  };
  fs.promises.rename = async function rename(from, to) {
    if (matches(from, to)) {
      fs.writeFileSync(marker, `${from}\n${to}\n`);
      setInterval(() => {}, 1 << 30); // keep the process alive until it is killed
      return new Promise(() => {});
    }
    return original.call(this, from, to);
  };
  syncBuiltinESMExports();
}

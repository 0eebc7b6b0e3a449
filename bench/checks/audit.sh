#!/usr/bin/env bash
# Dependency audit of what ships (production dependencies only): `npm audit --omit=dev` against
# the registry's advisory database.
#   exit 0  audited, no high or critical advisory (lower ones are printed)
#   exit 1  a high or critical advisory (npm's report is printed)
#   exit 2  the audit could NOT be performed (registry audit endpoint unreachable or refusing,
#           e.g. a read-only registry mirror answering 405): never reported as a pass.
#           Set AUDIT_UNAVAILABLE_OK=1 to turn this into a warning (exit 0) on such networks.
# ~/.npmrc may say audit=false, so --audit=true is passed explicitly.
set -uo pipefail
cd "$(dirname "$0")/../.."

json="$(npm audit --omit=dev --audit=true --json 2>/dev/null)"
node --input-type=module -e '
const text = process.argv[1];
let r;
try { r = JSON.parse(text); } catch { r = null; }
if (!r || !r.metadata || !r.metadata.vulnerabilities) {
  const why = r && (r.message || (r.error && r.error.summary)) || text.slice(0, 300) || "no output";
  console.error(`npm audit: NOT PERFORMED: the registry audit endpoint did not answer with a report (${why})`);
  process.exit(2);
}
const v = r.metadata.vulnerabilities;
const deps = r.metadata.dependencies ?? {};
console.log(`npm audit --omit=dev: ${deps.prod ?? deps.total ?? "?"} production dependencies; advisories: critical ${v.critical}, high ${v.high}, moderate ${v.moderate}, low ${v.low}, info ${v.info}`);
for (const [name, x] of Object.entries(r.vulnerabilities ?? {})) console.log(`  ${x.severity}\t${name}\t${x.range ?? ""}\t${x.fixAvailable ? "fix available" : "no fix"}`);
process.exit(v.high + v.critical > 0 ? 1 : 0);
' "$json"
rc=$?
if [ "$rc" = 2 ] && [ "${AUDIT_UNAVAILABLE_OK:-}" = 1 ]; then
  echo "npm audit: WARNING: not performed (AUDIT_UNAVAILABLE_OK=1); dependencies are UNAUDITED" >&2
  exit 0
fi
exit "$rc"

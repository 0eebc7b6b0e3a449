/**
 * Every CLI invocation loads bin/forecast.ts and, through bin/commands/index.ts, every command's
 * module; the packages they import at top level are loaded by every command, a run included.
 * Heavy ones (bullmq 0.28 s of CPU, pino, express, exceljs) belong inside the actions that use
 * them (bin/commands/index.ts). This walks the static imports of the sources (not `import type`,
 * not `await import()`) from bin/forecast.ts.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');

/** Packages imported at top level by the modules reachable from `entry` through static imports. */
function eagerPackages(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?\sfrom\s+'([^']+)'/gm)) {
      const spec = m[1];
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  };
  visit(entry);
  return packages;
}

describe('the CLI loads only light packages before a command runs', () => {
  it('imports commander, cli-progress and zod at top level, nothing heavier', () => {
    const eager = eagerPackages(resolve(ROOT, 'bin/forecast.ts'));
    expect([...eager].sort()).toEqual(['cli-progress', 'commander', 'zod']);
  });
});

/**
 * bin/v8-flags.ts must run before any other module of the command line (its flags only shape
 * code compiled after they are set), and every flag it sets must be one this Node's V8 knows:
 * `setFlagsFromString` ignores a misspelt or removed flag without a word.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { V8_FLAGS } from '../../bin/v8-flags.js';

const ROOT = resolve(__dirname, '../..');

describe('the V8 flags of the command line', () => {
  it('are the first import of bin/forecast.ts', () => {
    const src = readFileSync(resolve(ROOT, 'bin/forecast.ts'), 'utf8');
    const imports = [...src.matchAll(/^import\s[^;]*?'([^']+)';/gm)].map((m) => m[1]);
    expect(imports[0]).toBe('./v8-flags.js');
  });

  it('are flags of this V8, each with a value that differs from its default', () => {
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8', maxBuffer: 16 << 20 });
    for (const flag of V8_FLAGS) {
      const [name, value] = flag.split('=');
      const line = options.split('\n').find((l) => l.includes(`default: ${name}=`));
      expect(line, `${name} is not a flag of this V8`).toBeDefined();
      expect(line).not.toContain(`${name}=${value}`);
    }
  });
});

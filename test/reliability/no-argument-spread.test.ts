/**
 * No argument spread over data: `Math.min(...xs)`, `Math.max(...xs)`, `xs.push(...ys)`,
 * `unshift`/`splice`/`String.fromCharCode(...)` and `.apply(` pass every element as an argument,
 * and V8 overflows its stack past about 125,000 of them (150,000 series once crashed the report
 * after all the fitting). This check reads every source file and fails on any such call; the
 * same scanner is tested on examples, so the check cannot pass vacuously.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOURCE_DIRS = ['pipelines', 'models', 'workers', 'dashboard', 'bin', 'config', 'experiments', 'bench'];

/** Calls whose arguments must not be spread. */
const CALLS = /\b(?:Math\.(?:min|max|hypot)|String\.fromCharCode|String\.fromCodePoint)\s*\(|\.(?:push|unshift|splice)\s*\(/g;

/** The text with comments, string and template contents blanked (same length, so offsets hold). */
function blankCommentsAndStrings(src: string): string {
  const out = src.split('');
  let i = 0;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  while (i < src.length) {
    const c = src[i];
    const d = src[i + 1];
    if (c === '/' && d === '/') {
      const end = src.indexOf('\n', i);
      const to = end === -1 ? src.length : end;
      blank(i, to);
      i = to;
    } else if (c === '/' && d === '*') {
      const end = src.indexOf('*/', i + 2);
      const to = end === -1 ? src.length : end + 2;
      blank(i, to);
      i = to;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      blank(i + 1, j);
      i = j + 1;
    } else i++;
  }
  return out.join('');
}

/** Offsets of calls in `code` (comments and strings blanked) with a spread at their own argument level. */
export function spreadCalls(code: string): number[] {
  const found: number[] = [];
  for (const m of code.matchAll(CALLS)) {
    let depth = 0;
    for (let k = m.index! + m[0].length; k < code.length; k++) {
      const ch = code[k];
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if (ch === ')' || ch === ']' || ch === '}') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && code.startsWith('...', k)) {
        found.push(m.index!);
        break;
      }
    }
  }
  for (const m of code.matchAll(/\.apply\s*\(/g)) found.push(m.index!);
  return found;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|mts|mjs|js)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

describe('no argument spread over data', () => {
  it('the scanner finds spreads at argument level and nothing else', () => {
    const hits = (s: string) => spreadCalls(blankCommentsAndStrings(s)).length;
    expect(hits('const m = Math.min(...scores);')).toBe(1);
    expect(hits('Math.max(h.length, ...body.map((b) => b[i].length))')).toBe(1);
    expect(hits('out.push(...f.meta, ...f.samples);')).toBe(1);
    expect(hits('a.unshift(...b); s.splice(0, 0, ...xs); String.fromCharCode(...codes);')).toBe(3);
    expect(hits('Math.max.apply(null, xs)')).toBe(1);
    expect(hits('out.push({ ...s, cleaning: x }); rows.push([...a]); Math.min(a, f(...b));')).toBe(0);
    expect(hits('// Math.min(...days)\nconst t = "x.push(...y)";')).toBe(0);
  });

  it('no source file spreads an array into Math.min/max, push, unshift, splice or String.fromCharCode', () => {
    const offenders: string[] = [];
    for (const dir of SOURCE_DIRS) {
      for (const file of sourceFiles(join(ROOT, dir))) {
        const src = readFileSync(file, 'utf8');
        const code = blankCommentsAndStrings(src);
        for (const at of spreadCalls(code)) {
          const line = src.slice(0, at).split('\n').length;
          offenders.push(`${relative(ROOT, file)}:${line}: ${src.split('\n')[line - 1].trim()}`);
        }
      }
    }
    expect(offenders, 'use a loop (or simple-statistics min/max) instead').toEqual([]);
  });
});

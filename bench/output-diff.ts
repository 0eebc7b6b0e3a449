/**
 * Compare two builds' output files: normalise the values that belong to one invocation (clock
 * times, durations, temporary paths), then compare byte for byte; when two texts differ only in
 * their numbers, say by how much (largest absolute and relative difference) instead of just
 * "differs". Pure functions over strings; bench/compare-outputs.ts is the shell that runs the builds.
 */

/** A value of one invocation, replaced before comparing. */
export const RUN_SPECIFIC = '<run-specific>';

/** One number that differs between the two builds' files. */
export interface NumberDiff {
  /** Where: `line L`, `line L, column NAME` or a JSON path. */
  readonly where: string;
  readonly base: number;
  readonly head: number;
  readonly abs: number;
  /** |base - head| / max(|base|, |head|). */
  readonly rel: number;
}

/** The outcome of comparing one file. */
export type FileVerdict =
  | { readonly status: 'identical' }
  | {
      readonly status: 'numeric';
      /** Numbers compared, and how many of them differ. */
      readonly numbers: number;
      readonly differing: number;
      readonly maxAbs: NumberDiff;
      readonly maxRel: NumberDiff;
    }
  | { readonly status: 'differs'; readonly where: string; readonly base: string; readonly head: string }
  | { readonly status: 'only-base' | 'only-head' };

/** Tolerance under which a numeric difference counts as "last digits". */
export interface Tolerance {
  /** @defaultValue 1e-9 */
  readonly abs: number;
  /** @defaultValue 1e-6 */
  readonly rel: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { abs: 1e-9, rel: 1e-6 };

/** True when a verdict is identical, or numeric with every difference within the tolerance. */
export function withinTolerance(v: FileVerdict, tol: Tolerance = DEFAULT_TOLERANCE): boolean {
  if (v.status === 'identical') return true;
  if (v.status !== 'numeric') return false;
  return v.maxAbs.abs <= tol.abs || v.maxRel.rel <= tol.rel;
}

// ---------------------------------------------------------------------------------------------
// Normalisers: each names the file it applies to and the one value it replaces.

/** Replace the given top-level keys of a JSON object text (pretty-printed as the pipeline writes it). */
export function blankJsonKeys(text: string, keys: readonly string[]): string {
  const value = JSON.parse(text) as Record<string, unknown>;
  for (const k of keys) if (k in value) value[k] = RUN_SPECIFIC;
  return JSON.stringify(value, null, 2);
}

/** Replace a key of every line of a JSON-lines text. */
export function blankJsonLinesKey(text: string, key: string): string {
  return text
    .split('\n')
    .map((line) => {
      if (!line.trim()) return line;
      const value = JSON.parse(line) as Record<string, unknown>;
      if (key in value) value[key] = RUN_SPECIFIC;
      return JSON.stringify(value);
    })
    .join('\n');
}

/** Replace a key of every element of a top-level array property of a JSON text. */
export function blankJsonArrayKey(text: string, array: string, key: string): string {
  const value = JSON.parse(text) as Record<string, unknown>;
  const items = value[array];
  if (Array.isArray(items)) for (const item of items) if (item && typeof item === 'object' && key in item) (item as Record<string, unknown>)[key] = RUN_SPECIFIC;
  return JSON.stringify(value, null, 2);
}

/** Replace one named column of a simple CSV (no quoted commas in the lines the column is read from). */
export function blankCsvColumn(text: string, column: string): string {
  const lines = text.split(/\r?\n/);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const at = lines[0].split(',').indexOf(column);
  if (at < 0) return text;
  return lines
    .map((line, i) => {
      if (i === 0 || !line) return line;
      const cells = line.split(',');
      cells[at] = RUN_SPECIFIC;
      return cells.join(',');
    })
    .join(eol);
}

/** Replace the cells of one column (by its header text) in every HTML `<table>` that has it. */
export function blankHtmlTableColumn(html: string, column: string): string {
  return html.replace(/<table>[\s\S]*?<\/table>/g, (table) => {
    const head = /<thead><tr>([\s\S]*?)<\/tr><\/thead>/.exec(table);
    if (!head) return table;
    const names = [...head[1].matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((m) => m[1]);
    const at = names.indexOf(column);
    if (at < 0) return table;
    return table.replace(/<tbody>([\s\S]*?)<\/tbody>/, (_, body: string) => {
      const rows = body.replace(/<tr>([\s\S]*?)<\/tr>/g, (__, cells: string) => {
        let k = -1;
        return `<tr>${cells.replace(/<td>[\s\S]*?<\/td>/g, (td) => (++k === at ? `<td>${RUN_SPECIFIC}</td>` : td))}</tr>`;
      });
      return `<tbody>${rows}</tbody>`;
    });
  });
}

/** Replace durations printed as `(1.2 s)` and `done in 3.4 s` (the impact command's progress). */
export function blankDurations(text: string): string {
  return text.replace(/\((\d+(?:\.\d+)?) s\)/g, `(${RUN_SPECIFIC} s)`).replace(/done in \d+(?:\.\d+)? s/g, `done in ${RUN_SPECIFIC} s`);
}

/** Replace every occurrence of a literal string (a temporary directory, a run id). */
export function replaceAll(text: string, from: string, to: string): string {
  return from ? text.split(from).join(to) : text;
}

/**
 * The normaliser of an output file, by its path relative to the case directory; identity for
 * files with nothing run-specific.
 */
export function normaliserFor(path: string): (text: string) => string {
  const name = path.split('/').pop() ?? path;
  if (name === 'run.json') return (t) => blankJsonKeys(t, ['startedAt', 'finishedAt', 'timingsMs']);
  if (name === 'runs.jsonl') return (t) => blankJsonLinesKey(t, 'recordedAt');
  if (name === 'experiment.csv') return (t) => blankCsvColumn(t, 'seconds');
  if (name === 'experiment.json') return (t) => blankJsonArrayKey(t, 'rows', 'seconds');
  if (name === 'experiment.html') return (t) => blankHtmlTableColumn(t, 'seconds');
  if (name === 'sales.db.txt') return (t) => t.replace(/"ingested_at":"[^"]*"/g, `"ingested_at":"${RUN_SPECIFIC}"`);
  if (/^impact\.(stderr|stdout)$/.test(name)) return blankDurations;
  return (t) => t;
}

// ---------------------------------------------------------------------------------------------
// Comparison

/**
 * A number standing alone (not part of a word, a hex digest or a run id); ISO dates and times
 * are matched first so that they stay text: a changed date is a difference in text.
 */
const NUMBER = /(\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+Z?)?)|(?<![\w.])(-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?!\w|\.\d)/g;

interface Tokens {
  readonly text: string[];
  readonly numbers: number[];
  readonly lines: number[];
}

/** Split a text into the parts between numbers and the numbers (with their line numbers). */
function tokenize(s: string): Tokens {
  const text: string[] = [];
  const numbers: number[] = [];
  const lines: number[] = [];
  let last = 0;
  let line = 1;
  for (const m of s.matchAll(NUMBER)) {
    if (m[1] !== undefined) continue; // a date: part of the text
    const between = s.slice(last, m.index);
    text.push(between);
    line += between.split('\n').length - 1;
    numbers.push(Number(m[2]));
    lines.push(line);
    last = m.index + m[0].length;
  }
  text.push(s.slice(last));
  return { text, numbers, lines };
}

/** The first differing line of two texts, for a message. */
function firstDifference(a: string, b: string): { where: string; base: string; head: string } {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return { where: `line ${i + 1}`, base: clip(la[i] ?? '(end of file)'), head: clip(lb[i] ?? '(end of file)') };
  }
  return { where: 'bytes', base: `${a.length} characters`, head: `${b.length} characters` };
}

function clip(s: string): string {
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
}

/**
 * Compare two normalised texts: identical, different only in numbers (with the largest
 * differences), or different in text (with the first differing line).
 */
export function compareTexts(base: string, head: string): FileVerdict {
  if (base === head) return { status: 'identical' };
  const a = tokenize(base);
  const b = tokenize(head);
  const sameShape = a.numbers.length === b.numbers.length && a.text.every((t, i) => t === b.text[i]);
  if (!sameShape) return { status: 'differs', ...firstDifference(base, head) };
  let differing = 0;
  let maxAbs: NumberDiff | null = null;
  let maxRel: NumberDiff | null = null;
  for (let i = 0; i < a.numbers.length; i++) {
    const x = a.numbers[i];
    const y = b.numbers[i];
    if (x === y) continue;
    differing++;
    const abs = Math.abs(x - y);
    const d: NumberDiff = { where: `line ${a.lines[i]}`, base: x, head: y, abs, rel: abs / Math.max(Math.abs(x), Math.abs(y)) };
    if (!maxAbs || abs > maxAbs.abs) maxAbs = d;
    if (!maxRel || d.rel > maxRel.rel) maxRel = d;
  }
  // same numbers, same text between them: only the spelling of a number differs (1.0 vs 1)
  if (!maxAbs || !maxRel) return { status: 'differs', ...firstDifference(base, head) };
  return { status: 'numeric', numbers: a.numbers.length, differing, maxAbs, maxRel };
}

/** Compare two raw byte buffers (binary files: no normalising, no numbers). */
export function compareBytes(base: Uint8Array, head: Uint8Array): FileVerdict {
  if (base.length === head.length && base.every((x, i) => x === head[i])) return { status: 'identical' };
  let i = 0;
  while (i < base.length && i < head.length && base[i] === head[i]) i++;
  return { status: 'differs', where: `byte ${i}`, base: `${base.length} bytes`, head: `${head.length} bytes` };
}

/** One line describing a verdict, for the report. */
export function describe(path: string, v: FileVerdict, tol: Tolerance = DEFAULT_TOLERANCE): string {
  switch (v.status) {
    case 'identical':
      return `identical  ${path}`;
    case 'only-base':
      return `MISSING    ${path} (only in the base build's outputs)`;
    case 'only-head':
      return `NEW        ${path} (only in the head build's outputs)`;
    case 'differs':
      return `DIFFERS    ${path} at ${v.where}\n             base: ${v.base}\n             head: ${v.head}`;
    case 'numeric': {
      const tag = withinTolerance(v, tol) ? 'numeric   ' : 'NUMERIC   ';
      const f = (d: NumberDiff) => `${d.base} -> ${d.head} at ${d.where}`;
      return (
        `${tag} ${path}: ${v.differing} of ${v.numbers} numbers differ; largest absolute ${v.maxAbs.abs.toPrecision(3)} (${f(v.maxAbs)}), ` +
        `largest relative ${v.maxRel.rel.toPrecision(3)} (${f(v.maxRel)})`
      );
    }
  }
}

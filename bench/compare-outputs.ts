/**
 * Proof of no behaviour change: build a base commit in a temporary git worktree, run the same
 * commands on the same inputs with the base build and with this checkout's build, and compare
 * every output file byte for byte (after normalising what belongs to one invocation: clock
 * times, durations, the temporary directory; see bench/output-diff.ts). Where only numbers
 * differ it prints the largest absolute and relative difference per file.
 *
 *   npm run build
 *   node dist/bench/compare-outputs.js --base 62db04b [../shared/data]
 *       [--head COMMIT] [--cases sample,transactions,m5,retail] [--work DIR] [--keep]
 *
 * Per case (the bundled samples always; the M5 slice and Online Retail when the data directory
 * holds them): `forecast run`, `forecast validate`, `forecast impact` (a reduced defect set on
 * the real data, the same for both builds) and `forecast nightly` over two nights (the input
 * split in two files: the first night builds the history, the second updates it). The exit
 * codes, stdout and stderr of every command are compared as well. `--head` builds another
 * commit instead of using this checkout's dist/. The base worktree reuses this checkout's
 * node_modules (a symbolic link), so a base with other dependencies needs its own `npm ci`.
 *
 * Exit 0 when every file is identical, or differs only in numbers within 1e-6 relative
 * (or 1e-9 absolute); 1 otherwise.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { compareBytes, compareTexts, describe, normaliserFor, replaceAll, withinTolerance, type FileVerdict } from './output-diff.js';
import { runMain } from './check-harness.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** One input and the commands run on it. */
interface Case {
  readonly name: string;
  readonly input: string;
  readonly calendar?: string;
  readonly runDate: string;
  /** Extra flags of `forecast impact` (a smaller experiment on large inputs). */
  readonly impact: readonly string[];
}

/** A built CLI. */
interface Build {
  readonly name: 'base' | 'head';
  readonly label: string;
  /** The checkout the CLI was built in (named in stack traces). */
  readonly root: string;
  readonly cli: string;
}

function git(args: readonly string[], cwd = ROOT): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** The cases: the bundled samples, and the real data when `dataDir` holds it. */
function cases(dataDir: string): Case[] {
  const out: Case[] = [
    { name: 'sample', input: join(ROOT, 'data/sample-sales.csv'), calendar: join(ROOT, 'data/sample-calendar.csv'), runDate: '2016-03-27', impact: [] },
    // two months of transaction lines: 56 training days leave 6 held-out days
    { name: 'transactions', input: join(ROOT, 'data/sample-transactions.csv'), runDate: '2011-01-31', impact: ['--held-out', '6'] },
  ];
  const m5 = join(dataDir, 'm5-slice/sales.csv.gz');
  if (existsSync(m5)) {
    // three defects instead of six keep the experiment under a minute a build
    out.push({ name: 'm5', input: m5, calendar: join(dataDir, 'm5-slice/calendar.csv.gz'), runDate: '2016-03-27', impact: ['--defects', 'missing=0.1,spikes=0.05,truncated=0.1'] });
  }
  const retail = join(dataDir, 'online-retail/transactions-2010-12-to-2011-06.csv.gz');
  if (existsSync(retail)) {
    out.push({ name: 'retail', input: retail, runDate: '2011-06-30', impact: ['--defects', 'duplicates=0.05,negatives=0.05', '--max-series', '500'] });
  }
  return out;
}

/** This checkout's dist/, or a commit built in a worktree under `work` (node_modules linked). */
function prepareBuild(name: 'base' | 'head', ref: string, work: string): Build {
  if (ref === '.') {
    const cli = join(ROOT, 'dist/bin/forecast.js');
    if (!existsSync(cli)) throw new Error('compare-outputs: no dist/ in this checkout; run `npm run build` first');
    return { name, label: `this checkout (${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain', '--untracked-files=no']) ? ', with uncommitted changes' : ''})`, root: ROOT, cli };
  }
  const src = join(work, `${name}-src`);
  const commit = git(['rev-parse', '--short', `${ref}^{commit}`]);
  git(['worktree', 'add', '--detach', src, commit]);
  symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'));
  process.stderr.write(`building ${name} ${commit} in ${src}\n`);
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: src, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`compare-outputs: building ${commit} failed:\n${tsc.stdout}${tsc.stderr}`);
  return { name, label: commit, root: src, cli: join(src, 'dist/bin/forecast.js') };
}

function removeBuild(build: Build, work: string): void {
  const src = join(work, `${build.name}-src`);
  if (existsSync(src)) git(['worktree', 'remove', '--force', src]);
}

/** The environment of every command: no settings from the caller's environment. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('FORECAST_') && k !== 'REDIS_URL') env[k] = v;
  return { ...env, ...extra };
}

/** Run one CLI command in `cwd`, keeping its exit code, stdout and stderr as files named `log`; the seconds it took. */
function forecast(build: Build, cwd: string, log: string, args: readonly string[], env: NodeJS.ProcessEnv = cleanEnv()): string {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [build.cli, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 256 << 20 });
  mkdirSync(join(cwd, 'logs'), { recursive: true });
  writeFileSync(join(cwd, 'logs', `${log}.exit`), `${r.status ?? r.signal}\n`);
  writeFileSync(join(cwd, 'logs', `${log}.stdout`), r.stdout);
  writeFileSync(join(cwd, 'logs', `${log}.stderr`), r.stderr);
  return `${log} ${((Date.now() - t0) / 1000).toFixed(1)} s`;
}

/** The input split in two CSV files (header repeated) for the two nights; written once, shared by the builds. */
function splitForNights(c: Case, work: string): [string, string] {
  const dir = join(work, 'inputs', c.name);
  const parts: [string, string] = [join(dir, `${c.name}-night-1.csv`), join(dir, `${c.name}-night-2.csv`)];
  if (existsSync(parts[1])) return parts;
  mkdirSync(dir, { recursive: true });
  const raw = readFileSync(c.input);
  const text = (c.input.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const half = 1 + Math.floor((lines.length - 1) / 2);
  writeFileSync(parts[0], `${lines.slice(0, half).join('\n')}\n`);
  writeFileSync(parts[1], `${[lines[0], ...lines.slice(half)].join('\n')}\n`);
  return parts;
}

/** Every command of a case with one build, in `dir`; how long each took. */
function runCase(build: Build, c: Case, dir: string, work: string): string[] {
  mkdirSync(dir, { recursive: true });
  const input = `input${c.input.endsWith('.gz') ? '.csv.gz' : '.csv'}`;
  symlinkSync(c.input, join(dir, input));
  const calendar = c.calendar ? `calendar${c.calendar.endsWith('.gz') ? '.csv.gz' : '.csv'}` : undefined;
  if (c.calendar && calendar) symlinkSync(c.calendar, join(dir, calendar));
  const cal = calendar ? ['--calendar', calendar] : [];
  const times = [
    forecast(build, dir, 'run', ['run', '--input', input, ...cal, '--run-date', c.runDate, '--out', 'run']),
    forecast(build, dir, 'validate', ['validate', '--input', input, '--run-date', c.runDate, '--out', 'validate']),
    forecast(build, dir, 'impact', ['impact', '--input', input, ...cal, '--run-date', c.runDate, '--out', 'impact', ...c.impact]),
  ];
  const nightly = join(dir, 'nightly');
  mkdirSync(join(nightly, 'incoming'), { recursive: true });
  if (c.calendar && calendar) copyFileSync(c.calendar, join(nightly, calendar));
  splitForNights(c, work).forEach((part, i) => {
    copyFileSync(part, join(nightly, 'incoming', basename(part)));
    times.push(forecast(build, nightly, `night-${i + 1}`, ['nightly', ...cal, '--run-date', c.runDate], cleanEnv({ FORECAST_DATA_DIR: '.' })));
  });
  return times;
}

/** Files under `dir` (relative paths), symbolic links included as such; the inputs' links left out. */
function listFiles(dir: string, sub = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, sub)).sort()) {
    const rel = sub ? `${sub}/${name}` : name;
    if (!sub && /^(input|calendar)\./.test(name)) continue;
    const st = lstatSync(join(dir, rel));
    if (st.isDirectory()) for (const f of listFiles(dir, rel)) out.push(f);
    else out.push(rel);
  }
  return out;
}

/** A SQLite database as text: its schema, then every table's rows in their stored order. */
async function dumpSqlite(path: string): Promise<string> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string; sql: string }[];
    const lines: string[] = [];
    for (const t of tables) {
      lines.push(`# ${t.sql}`);
      for (const row of db.prepare(`SELECT * FROM "${t.name}"`).iterate()) lines.push(JSON.stringify(row));
    }
    return `${lines.join('\n')}\n`;
  } finally {
    db.close();
  }
}

/**
 * A file's comparable content: a link's target, a database's dump, a text normalised, or bytes.
 * The case directory and the build's checkout (in a stack trace) are replaced by `<case>` and `<build>`.
 */
async function content(build: Build, dir: string, rel: string, runIds: ReadonlyMap<string, string>): Promise<{ text?: string; bytes?: Buffer }> {
  const path = join(dir, rel);
  const fix = (t: string): string => {
    let s = replaceAll(replaceAll(t, resolve(dir), '<case>'), build.root, '<build>');
    for (const [from, to] of runIds) s = replaceAll(s, from, to);
    return s;
  };
  if (lstatSync(path).isSymbolicLink()) return { text: fix(readlinkSync(path)) };
  if (rel.endsWith('.db')) return { text: fix(normaliserFor('sales.db.txt')(await dumpSqlite(path))) };
  const bytes = readFileSync(path);
  if (/\.(bin|gz|db-wal|db-shm)$/.test(rel)) return { bytes };
  return { text: normaliserFor(rel)(fix(bytes.toString('utf8'))) };
}

/**
 * Run ids of the head build that differ from the base build's at the same place (the run
 * directories under each `runs/`, paired in order), as head -> base; printed, then mapped.
 */
function runIdMapping(baseFiles: readonly string[], headFiles: readonly string[]): Map<string, string> {
  const ids = (files: readonly string[]): Map<string, string[]> => {
    const byParent = new Map<string, string[]>();
    for (const f of files) {
      const m = /^(.*?)runs\/([^/.][^/]*)\//.exec(f);
      if (!m) continue;
      const list = byParent.get(m[1]) ?? [];
      if (!list.includes(m[2])) list.push(m[2]);
      byParent.set(m[1], list);
    }
    return byParent;
  };
  const base = ids(baseFiles);
  const map = new Map<string, string>();
  for (const [parent, headIds] of ids(headFiles)) {
    const baseIds = base.get(parent) ?? [];
    headIds.forEach((id, i) => {
      if (baseIds[i] !== undefined && baseIds[i] !== id) map.set(id, baseIds[i]);
    });
  }
  return map;
}

/**
 * Commands that did not exit 0 (every command of a case is expected to succeed: a command that
 * fails in both builds would otherwise compare as "identical"), with the last line of its stderr.
 */
function failedCommands(dir: string): string[] {
  return listFiles(dir)
    .filter((f) => f.endsWith('.exit') && readFileSync(join(dir, f), 'utf8').trim() !== '0')
    .map((f) => {
      const err = readFileSync(join(dir, f.replace(/\.exit$/, '.stderr')), 'utf8').trim().split('\n');
      return `${f.replace(/\.exit$/, '')} exited ${readFileSync(join(dir, f), 'utf8').trim()}: ${err.find((l) => /Error|error/.test(l)) ?? err[err.length - 1]}`;
    });
}

/** Compare one case's outputs of the two builds; print a line per file; the number of failures. */
async function compareCase(c: Case, builds: readonly [Build, Build], baseDir: string, headDir: string): Promise<{ failures: number; lines: string[] }> {
  const baseFiles = listFiles(baseDir);
  const headFilesRaw = listFiles(headDir);
  const runIds = runIdMapping(baseFiles, headFilesRaw);
  const lines: string[] = [];
  const failed = [...failedCommands(baseDir).map((f) => `base ${f}`), ...failedCommands(headDir).map((f) => `head ${f}`)];
  for (const f of failed) lines.push(`FAILED     ${c.name}: ${f}`);
  for (const [head, base] of runIds) lines.push(`note       run id ${head} (head) differs from ${base} (base); compared as the same run`);
  const headByName = new Map(headFilesRaw.map((f) => [[...runIds].reduce((s, [from, to]) => replaceAll(s, from, to), f), f]));
  const names = [...new Set([...baseFiles, ...headByName.keys()])].sort();
  let failures = 0;
  for (const name of names) {
    let verdict: FileVerdict;
    const headName = headByName.get(name);
    if (!baseFiles.includes(name)) verdict = { status: 'only-head' };
    else if (headName === undefined) verdict = { status: 'only-base' };
    else {
      const a = await content(builds[0], baseDir, name, new Map());
      const b = await content(builds[1], headDir, headName, runIds);
      if (a.text !== undefined && b.text !== undefined) verdict = compareTexts(a.text, b.text);
      else if (a.bytes && b.bytes) verdict = compareBytes(a.bytes, b.bytes);
      else verdict = { status: 'differs', where: 'kind', base: a.text === undefined ? 'binary' : 'text', head: b.text === undefined ? 'binary' : 'text' };
    }
    if (!withinTolerance(verdict)) failures++;
    if (verdict.status !== 'identical' || process.env.COMPARE_VERBOSE) lines.push(describe(`${c.name}/${name}`, verdict));
  }
  lines.push(`${c.name}: ${names.length} files compared, ${names.length - failures} identical or within tolerance, ${failures} not`);
  return { failures: failures + failed.length, lines };
}

function flag(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(argv: readonly string[]): Promise<number> {
  const baseRef = flag(argv, '--base');
  if (!baseRef) {
    process.stderr.write('usage: node dist/bench/compare-outputs.js --base COMMIT [DATA_DIR] [--head COMMIT] [--cases a,b] [--work DIR] [--keep]\n');
    return 2;
  }
  const valued = new Set(['--base', '--head', '--cases', '--work']);
  const positional = argv.filter((a, i) => !a.startsWith('--') && !valued.has(argv[i - 1] ?? ''));
  const dataDir = resolve(positional[0] ?? '../shared/data');
  const only = flag(argv, '--cases')?.split(',');
  const chosen = cases(dataDir).filter((c) => !only || only.includes(c.name));
  const work = resolve(flag(argv, '--work') ?? mkdtempSync(join(tmpdir(), 'compare-outputs-')));
  mkdirSync(work, { recursive: true });
  const builds: Build[] = [];
  try {
    builds.push(prepareBuild('base', baseRef, work), prepareBuild('head', flag(argv, '--head') ?? '.', work));
    process.stdout.write(`base: ${builds[0].label}\nhead: ${builds[1].label}\ncases: ${chosen.map((c) => c.name).join(', ')} (data ${relative(process.cwd(), dataDir) || '.'})\n`);
    let failures = 0;
    for (const c of chosen) {
      for (const b of builds) {
        const times = runCase(b, c, join(work, b.name, c.name), work);
        process.stderr.write(`${c.name}, ${b.name} build: ${times.join(', ')}\n`);
      }
      const r = await compareCase(c, [builds[0], builds[1]], join(work, 'base', c.name), join(work, 'head', c.name));
      failures += r.failures;
      process.stdout.write(`${r.lines.join('\n')}\n`);
    }
    process.stdout.write(failures ? `${failures} file(s) differ or command(s) failed\n` : 'no behaviour change: every output identical (run-specific values aside) or within tolerance\n');
    return failures ? 1 : 0;
  } finally {
    for (const b of builds) removeBuild(b, work);
    if (argv.includes('--keep')) process.stderr.write(`outputs kept in ${work}\n`);
    else rmSync(work, { recursive: true, force: true });
  }
}

runMain(main);

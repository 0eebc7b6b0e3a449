/**
 * The hostile corpus at full size (issue 12): how long each case takes through the CLI now, and
 * what it leaves behind. The generators are the tests' (test/fixtures/nasty/hostile.mjs); the
 * tests run them scaled down (test/reliability/hostile.test.ts).
 *
 *   npm run build && node dist/bench/hostile.js [--only NAME[,NAME...]] [--dir DIR]
 *
 * Each case runs `forecast run` / `validate` in a child process under `/usr/bin/time -f` when
 * that exists (wall seconds and peak RSS), else with wall time only, and prints one markdown
 * table row: case, input size, wall time, peak RSS, exit code, outputs (bytes of rejected.csv
 * and cleaning.csv, rows read/accepted/rejected, detached and not-listed rows) or the message.
 * No assertions: the figures go to the README and the issue's note.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface Generators {
  strayDates(skus: number, strayDate?: string): Buffer;
  longLine(path: string, bytes: number, fill?: string): Promise<void>;
  gzipOfZeros(path: string, gzBytes: number): Promise<number>;
  gzipOfRepeatedLine(path: string, gzBytes: number): Promise<number>;
  oneRowSkus(n: number): Buffer;
}

const here = dirname(fileURLToPath(import.meta.url));
// dist/bench -> the repository root
const ROOT = resolve(here, '..', '..');
const CLI = join(ROOT, 'dist', 'bin', 'forecast.js');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function mb(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes} B`;
}

/** Run the CLI; wall seconds, peak RSS (MB, when /usr/bin/time exists), exit code, stderr. */
function runCli(args: string[], env: Record<string, string> = {}): { seconds: number; rssMb: number | null; code: number; stderr: string } {
  const t = process.hrtime.bigint();
  const cmd = TIME ? TIME : process.execPath;
  const full = TIME ? ['-f', '@@time %e %M', process.execPath, CLI, ...args] : [CLI, ...args];
  const r = spawnSync(cmd, full, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 256 << 20, timeout: 30 * 60_000 });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  const stderr = r.stderr ?? '';
  const m = /@@time ([\d.]+) (\d+)/.exec(stderr);
  const text = stderr.replace(/@@time .*\n?/, '').replace(/Command exited with non-zero status \d+\n?/, '').trim();
  return { seconds, rssMb: m ? Number(m[2]) / 1024 : null, code: r.status ?? -1, stderr: text };
}

/** What a published run directory holds (latest). */
function outputs(out: string): string {
  const latest = join(out, 'latest');
  if (!existsSync(join(latest, 'run.json'))) return '';
  const s = JSON.parse(readFileSync(join(latest, 'run.json'), 'utf8')) as {
    rows: { read: number; accepted: number; rejected: number };
    detached?: { rows: number };
    rejectedNotListed?: { rows: number };
    forecast?: { series: number } | null;
  };
  const size = (f: string) => (existsSync(join(latest, f)) ? mb(statSync(join(latest, f)).size) : '-');
  return (
    `read ${s.rows.read.toLocaleString('en-US')}, accepted ${s.rows.accepted.toLocaleString('en-US')}, rejected ${s.rows.rejected.toLocaleString('en-US')}` +
    (s.detached?.rows ? `, detached ${s.detached.rows.toLocaleString('en-US')}` : '') +
    (s.rejectedNotListed?.rows ? `, not listed ${s.rejectedNotListed.rows.toLocaleString('en-US')}` : '') +
    (s.forecast ? `, ${s.forecast.series.toLocaleString('en-US')} series forecast` : '') +
    `; rejected.csv ${size('rejected.csv')}, cleaning.csv ${size('cleaning.csv')}`
  );
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} not found: run "npm run build" first`);
  const gen = (await import(pathToFileURL(join(ROOT, 'test', 'fixtures', 'nasty', 'hostile.mjs')).href)) as Generators;
  const base = arg('dir') ?? mkdtempSync(join(tmpdir(), 'hostile-bench-'));
  mkdirSync(base, { recursive: true });
  const only = arg('only')?.split(',');
  const rows: string[] = [];
  const row = (name: string, input: string, r: ReturnType<typeof runCli>, detail: string) => {
    const line = `| ${name} | ${input} | ${r.seconds.toFixed(1)} s | ${r.rssMb === null ? '-' : `${r.rssMb.toFixed(0)} MB`} | ${r.code} | ${detail.replace(/\|/g, '\\|')} |`;
    rows.push(line);
    process.stdout.write(`${line}\n`);
  };
  const message = (r: ReturnType<typeof runCli>) => r.stderr.split('\n').pop()!.slice(0, 160);
  const want = (name: string) => !only || only.some((o) => name.startsWith(o));
  process.stdout.write('| case | input | wall | peak RSS | exit | outputs or message |\n|---|---|---|---|---|---|\n');

  for (const skus of [1000, 5000]) {
    const file = join(base, `stray-${skus}.csv`);
    writeFileSync(file, gen.strayDates(skus));
    if (want('stray')) {
      const out = join(base, `out-stray-${skus}`);
      row(`one 1900-01-01 row per sku + a month, ${skus.toLocaleString('en-US')} skus (default window)`, mb(statSync(file).size), runCli(['run', '--input', file, '--run-date', '2024-03-31', '--out', out]), outputs(out));
      const open = join(base, 'open.json');
      writeFileSync(open, JSON.stringify({ validation: { minDate: '1900-01-01' } }));
      const out2 = join(base, `out-stray-open-${skus}`);
      row(`same, window opened to 1900 (rows detached)`, mb(statSync(file).size), runCli(['run', '--input', file, '--run-date', '2024-03-31', '--out', out2, '--config', open]), outputs(out2));
    }
    rmSync(file, { force: true });
  }
  for (const size of [16, 32, 100]) {
    if (!want('long')) break;
    const file = join(base, `long-${size}.csv`);
    await gen.longLine(file, size << 20);
    const out = join(base, `out-long-${size}`);
    row(`a ${size} MB line with no line break`, mb(statSync(file).size), runCli(['validate', '--input', file, '--run-date', '2024-03-31', '--out', out]), outputs(out));
    rmSync(file, { force: true });
  }
  if (want('zeros')) {
    const file = join(base, 'zeros.csv.gz');
    await gen.gzipOfZeros(file, 1 << 20);
    const r = runCli(['validate', '--input', file, '--run-date', '2024-03-31', '--out', join(base, 'out-zeros')]);
    row('gzip of NUL bytes (1 GB inflated)', mb(statSync(file).size), r, message(r));
    rmSync(file, { force: true });
  }
  if (want('repeat')) {
    const file = join(base, 'repeat.csv.gz');
    await gen.gzipOfRepeatedLine(file, 2 << 20);
    const out = join(base, 'out-repeat');
    row('gzip of one line repeated (866 MB inflated)', mb(statSync(file).size), runCli(['validate', '--input', file, '--run-date', '2024-03-31', '--out', out]), outputs(out));
    // the nightly path: the quarantine is capped the same way
    const dataDir = join(base, 'nightly-repeat');
    mkdirSync(join(dataDir, 'incoming'), { recursive: true });
    execFileSync('cp', [file, join(dataDir, 'incoming', 'export.csv.gz')]);
    const r = runCli(['nightly', '--run-date', '2024-03-31'], { FORECAST_DATA_DIR: dataDir });
    row('same, as a nightly incoming file', mb(statSync(file).size), r, r.stderr.split('\n').find((l) => l.startsWith('incoming')) ?? message(r));
    rmSync(file, { force: true });
  }
  if (want('special')) {
    const sales = join(base, 'sales.csv');
    writeFileSync(sales, 'date,sku,qty\n2024-03-01,A,1\n2024-03-02,A,2\n');
    const fifo = join(base, 'fifo');
    if (!existsSync(fifo)) execFileSync('mkfifo', [fifo]);
    for (const [name, args] of [
      ['/dev/zero as calendar', ['--calendar', '/dev/zero']],
      ['/dev/zero as config', ['--config', '/dev/zero']],
      ['a FIFO as calendar', ['--calendar', fifo]],
      ['a FIFO as config', ['--config', fifo]],
    ] as Array<[string, string[]]>) {
      const r = runCli(['run', '--input', sales, '--run-date', '2024-03-31', '--out', join(base, 'out-special'), ...args]);
      row(name, '-', r, message(r));
    }
    const r = runCli(['run', '--input', fifo, '--run-date', '2024-03-31', '--out', join(base, 'out-special')]);
    row('a FIFO as input', '-', r, message(r));
  }
  for (const n of [150_000, 200_000]) {
    if (!want('many')) break;
    const file = join(base, `one-row-${n}.csv`);
    writeFileSync(file, gen.oneRowSkus(n));
    const out = join(base, `out-many-${n}`);
    row(`${n.toLocaleString('en-US')} one-row skus, forecast run (defaults)`, mb(statSync(file).size), runCli(['run', '--input', file, '--run-date', '2024-03-31', '--out', out]), outputs(out));
    rmSync(out, { recursive: true, force: true });
    rmSync(file, { force: true });
  }
  if (!arg('dir')) rmSync(base, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});

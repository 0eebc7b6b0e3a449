/**
 * Usage errors of the whole command tree (bin/usage.ts, bin/option-values.ts): each ends with
 * exit 2, commander's one-line message, a suggestion for a misspelt command or option, and the
 * command's usage line instead of the whole help. Runs the program in-process (no build).
 */
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../bin/program.js';
import { isUsageError, usageExitCode } from '../../bin/usage.js';
import { EXAMPLES } from '../../bin/examples.js';

/** Parse argv as the CLI does, capturing what commander writes; the action must not be reached. */
async function parse(args: string[]): Promise<{ code: number; err: string; out: string }> {
  const program = buildProgram();
  let err = '';
  let out = '';
  const capture = (c: Command): void => {
    c.configureOutput({ writeErr: (s) => void (err += s), writeOut: (s) => void (out += s) });
    c.commands.forEach(capture);
  };
  capture(program);
  try {
    await program.parseAsync(['node', 'forecast', ...args]);
  } catch (e) {
    if (!isUsageError(e)) throw e;
    return { code: usageExitCode(e), err, out };
  }
  throw new Error(`no usage error for ${args.join(' ')}`);
}

describe('usage errors', () => {
  it.each([
    [['run', '--inptu', 'x.csv'], /unknown option '--inptu'[\s\S]*Did you mean --input\?/],
    [['run'], /required option '-i, --input <file>' not specified/],
    [['rn'], /unknown command 'rn'[\s\S]*Did you mean run\?/],
    [['run', '--input', 'x.csv', 'extra'], /too many arguments for 'run'/],
    [['validate', '-i', 'x.csv', '--run-date', '2016-13-01'], /'2016-13-01' is invalid\. Expected a calendar date YYYY-MM-DD/],
    [['run', '-i', 'x.csv', '--run-date', '2021-02-30'], /'2021-02-30' is invalid/],
    [['run', '-i', 'x.csv', '--horizon', 'ten'], /argument 'ten' is invalid\. Expected a whole number of periods, 1 or more/],
    [['run', '-i', 'x.csv', '--horizon', '2.5'], /argument '2\.5' is invalid/],
    [['run', '-i', 'x.csv', '--threads', '-1'], /argument '-1' is invalid\. Expected a whole number of threads, 0 or more/],
    [['enqueue', '--incoming', '--timeout', 'soon'], /argument 'soon' is invalid\. Expected a number of seconds/],
    [['dashboard', '--port', '70000'], /argument '70000' is invalid\. Expected a TCP port/],
    [['worker', '--concurrency', '0'], /argument '0' is invalid\. Expected a whole number of jobs, 1 or more/],
    [['schedule', 'lst'], /unknown command 'lst'[\s\S]*Did you mean list\?/],
  ])('%j exits 2 with the reason and the usage line', async (args, message) => {
    const r = await parse(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    const usage = r.err.split('\n').find((l) => l.startsWith('usage: '));
    expect(usage).toBeDefined();
    // the usage line, not the whole help
    expect(r.err).not.toMatch(/Options:/);
  });

  it('the usage line names the required options', async () => {
    const r = await parse(['validate', '--bogus']);
    expect(r.err).toContain('usage: forecast validate --input <file> [options]');
    const s = await parse(['schedule', 'set', '--cronn', 'x']);
    expect(s.err).toContain('usage: forecast schedule set [options]');
    expect(s.err).toMatch(/Did you mean --cron\?/);
  });

  it('--help and --version end with 0', async () => {
    const h = await parse(['run', '--help']);
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/Examples:\n {2}\$ forecast run --input/);
    const v = await parse(['--version']);
    expect(v.code).toBe(0);
  });
});

describe('--help examples', () => {
  it('every command and subcommand has examples, and every example names a command', async () => {
    const paths: string[] = [];
    const walk = (c: Command, path: string[]): void => {
      if (!c.commands.length || path.length) paths.push(path.join(' '));
      for (const sub of c.commands) if (sub.name() !== 'help') walk(sub, [...path, sub.name()]);
    };
    walk(buildProgram(), []);
    const commands = paths.filter(Boolean);
    expect(commands.length).toBeGreaterThan(10);
    for (const p of commands) expect(EXAMPLES[p]?.length ?? 0, `examples of ${p}`).toBeGreaterThan(0);
    for (const key of Object.keys(EXAMPLES)) expect(commands).toContain(key);
  });
});

/**
 * How the command line answers a usage error (unknown command or option, missing or extra
 * argument, a bad option value: bin/option-values.ts): commander's one-line message, "Did you
 * mean ...?" for a misspelt command or option, then the command's usage line (not the whole
 * help), and exit 2 like every other bad setting (pipelines/errors.ts `EXIT.settings`). Applied
 * to the whole command tree once the commands are declared, so a flag or command added later
 * inherits it.
 */
import { type Command, CommanderError } from 'commander';
import { EXIT } from '../pipelines/errors.js';

/**
 * Set every command of the tree up for usage errors: the usage line after an error, and required
 * options checked after unknown ones (commander checks required options first, so `run --inptu x`
 * said "--input not specified" instead of suggesting `--input`).
 */
export function configureUsageErrors(program: Command): void {
  for (const cmd of [program, ...descendants(program)]) {
    cmd.exitOverride();
    cmd.showSuggestionAfterError(true);
    cmd.showHelpAfterError(`usage: ${usageLine(cmd)}\n(${helpCommand(cmd)} --help for every option and examples)`);
    deferRequiredOptions(cmd);
  }
}

/** The exit code of a commander error: 0 for --help and --version, 2 for any usage error. */
export function usageExitCode(e: CommanderError): number {
  return e.exitCode === 0 ? EXIT.ok : EXIT.settings;
}

/** Is this thrown value commander's (a usage error, or the end of --help / --version)? */
export function isUsageError(e: unknown): e is CommanderError {
  return e instanceof CommanderError;
}

/**
 * Add an "Examples:" section to a command's --help.
 * @param lines command lines without the leading `forecast`, each optionally followed by `  # what it does`.
 */
export function addExamples(cmd: Command, lines: readonly string[]): Command {
  return cmd.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ forecast ${l}`).join('\n')}\n`);
}

function descendants(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...descendants(c)]);
}

/**
 * `forecast run --input <file> [options]`: the command path, its required options, `[options]`,
 * its arguments. Read before {@link deferRequiredOptions} unmarks the required options.
 */
export function usageLine(cmd: Command): string {
  const required = cmd.options.filter((o) => o.mandatory).map((o) => {
    const value = /<[^>]+>/.exec(o.flags)?.[0];
    const flag = o.long ?? o.flags;
    return value ? `${flag} ${value}` : flag;
  });
  const args = cmd.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`));
  const tail = cmd.commands.length ? '<command>' : '';
  return [helpCommand(cmd), ...required, cmd.options.length ? '[options]' : '', ...args, tail].filter(Boolean).join(' ');
}

/** `forecast run`: the names from the program down to this command. */
function helpCommand(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Check a command's required options in a preAction hook (which commander runs after the unknown
 * option check) instead of during parsing, with commander's own message and code.
 */
function deferRequiredOptions(cmd: Command): void {
  const required = cmd.options.filter((o) => o.mandatory);
  if (!required.length) return;
  for (const o of required) o.mandatory = false;
  cmd.hook('preAction', (self) => {
    for (const o of required) {
      if (self.getOptionValue(o.attributeName()) === undefined) {
        self.error(`error: required option '${o.flags}' not specified`, { code: 'commander.missingMandatoryOptionValue', exitCode: EXIT.settings });
      }
    }
  });
}

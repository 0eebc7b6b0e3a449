/** Every CLI command, in the order `forecast --help` lists them. */
import type { Command } from 'commander';
import { register as validate } from './validate.js';
import { register as run } from './run.js';

export function registerAll(program: Command): void {
  validate(program);
  run(program);
}

/**
 * Load settings: defaults, then a JSON file, then environment variables, then overrides
 * (command-line flags). The one place that reads the environment for settings.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../pipelines/errors.js';
import { configSchema, type Config, type ConfigInput } from './schema.js';

/** Deep-merge plain objects (arrays and scalars replace). */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = out[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)) {
      out[k] = merge(b as Record<string, unknown>, v as Record<string, unknown>);
    } else {
      out[k] = v;
    }
  }
  return out;
}

/** Settings taken from the environment. */
export function configFromEnv(env: NodeJS.ProcessEnv): ConfigInput {
  const out: Record<string, unknown> = {};
  if (env.FORECAST_DATA_DIR) out.dataDir = env.FORECAST_DATA_DIR;
  if (env.REDIS_URL) out.queue = { redisUrl: env.REDIS_URL };
  const dash: Record<string, unknown> = {};
  if (env.FORECAST_DASHBOARD_USER) dash.user = env.FORECAST_DASHBOARD_USER;
  if (env.FORECAST_DASHBOARD_PASSWORD) dash.password = env.FORECAST_DASHBOARD_PASSWORD;
  if (Object.keys(dash).length) out.dashboard = dash;
  return out as ConfigInput;
}

/** Validate a settings object, throwing a {@link ConfigError} that lists every problem. */
export function parseConfig(input: unknown, source = 'config'): Config {
  const r = configSchema.safeParse(input);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid ${source}:\n${lines.join('\n')}`);
  }
  return r.data;
}

/**
 * Resolve settings from an optional JSON file, the environment and overrides, in that order.
 * @throws ConfigError when the file cannot be read, is not a JSON object, or a value is invalid.
 */
export function loadConfig(opts: { file?: string; env?: NodeJS.ProcessEnv; overrides?: ConfigInput } = {}): Config {
  let fromFile: Record<string, unknown> = {};
  if (opts.file) {
    let text: string;
    try {
      text = readFileSync(opts.file, 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read config file ${opts.file}: ${(e as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new ConfigError(`config file ${opts.file} is not valid JSON: ${(e as Error).message}`);
    }
    // `42` or `null` would otherwise merge as no settings at all, silently
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
      throw new ConfigError(`config file ${opts.file} must hold a JSON object of settings, got ${kind}`);
    }
    fromFile = parsed as Record<string, unknown>;
  }
  const merged = merge(
    merge(fromFile, (opts.env ? configFromEnv(opts.env) : {}) as Record<string, unknown>),
    (opts.overrides ?? {}) as Record<string, unknown>,
  );
  return parseConfig(merged, opts.file ?? 'config');
}

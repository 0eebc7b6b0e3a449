/**
 * Load settings: defaults, then a JSON file, then environment variables, then overrides
 * (command-line flags). The one place that reads the environment for settings.
 */
import { ConfigError, quoteInput, safeMessage } from '../pipelines/errors.js';
import { readSideFile } from '../pipelines/io/side-file.js';
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

/** Largest config file read: settings are a few kilobytes of JSON. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Read a JSON config file: a regular file of at most {@link MAX_CONFIG_BYTES} (a device, a FIFO
 * or a huge file is refused before it is read), parsed as a JSON object. Messages never quote the
 * file's contents (JSON.parse's own message does, so only the position is kept).
 * @throws ConfigError
 */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readSideFile(path, 'config file', MAX_CONFIG_BYTES).toString('utf8');
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    const at = /at position (\d+)/.exec((e as Error).message);
    const where = at ? ` at character ${Number(at[1]) + 1}` : /end of JSON input/.test((e as Error).message) ? ' (it ends too early)' : '';
    throw new ConfigError(`config file ${quoteInput(path)} is not valid JSON${where}`);
  }
  // `42` or `null` would otherwise merge as no settings at all, silently
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    throw new ConfigError(`config file ${quoteInput(path)} must hold a JSON object of settings, got ${kind}`);
  }
  return parsed as Record<string, unknown>;
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
    const lines = r.error.issues.slice(0, 50).map((i) => `  ${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(safeMessage(`invalid ${source}:\n${lines.join('\n')}`, { multiline: true, max: 4000 }));
  }
  return r.data;
}

/**
 * Resolve settings from an optional JSON file, the environment and overrides, in that order.
 * @throws ConfigError when the file cannot be read, is not a JSON object, or a value is invalid.
 */
export function loadConfig(opts: { file?: string; env?: NodeJS.ProcessEnv; overrides?: ConfigInput } = {}): Config {
  let fromFile: Record<string, unknown> = {};
  if (opts.file) fromFile = readConfigFile(opts.file);
  const merged = merge(
    merge(fromFile, (opts.env ? configFromEnv(opts.env) : {}) as Record<string, unknown>),
    (opts.overrides ?? {}) as Record<string, unknown>,
  );
  return parseConfig(merged, opts.file ?? 'config');
}

/**
 * OpenTelemetry traces of the run, train-batch and publish jobs (BullMQ's telemetry interface,
 * implemented by `bullmq-otel`), off by default. The standard OpenTelemetry environment variables
 * switch them on: `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), or
 * `OTEL_TRACES_EXPORTER` other than `none`; `OTEL_SDK_DISABLED=true` keeps them off. The OpenTelemetry
 * Node SDK then reads the rest (exporter, endpoint, headers, `OTEL_SERVICE_NAME`) itself.
 *
 * `bullmq-otel` and `@opentelemetry/sdk-node` are optional: the SDK and its exporters are tens
 * of packages a shop without a tracing backend does not need, so they are loaded only when
 * tracing is switched on, and a machine that wants traces installs them
 * (`npm install bullmq-otel @opentelemetry/sdk-node`); switched on without them, the worker stops
 * at start with a message saying so.
 */
import type { Telemetry } from 'bullmq';
import { ConfigError } from '../pipelines/errors.js';

/** The optional packages tracing needs. */
export const OTEL_PACKAGES = ['bullmq-otel', '@opentelemetry/sdk-node'] as const;

/** Whether the environment asks for traces. */
export function tracesRequested(env: NodeJS.ProcessEnv): boolean {
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return false;
  const exporter = (env.OTEL_TRACES_EXPORTER ?? '').trim().toLowerCase();
  if (exporter === 'none') return false;
  return Boolean(exporter || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** Tracing once started: the telemetry to give BullMQ's Workers and Queues, and the SDK's shutdown (flushes spans). */
export interface Tracing {
  readonly telemetry: Telemetry;
  shutdown(): Promise<void>;
}

interface OtelModules {
  BullMQOtel: new (name: string) => Telemetry;
  NodeSDK: new (opts: { serviceName?: string }) => { start(): void; shutdown(): Promise<void> };
}

/** Load a module by name (a seam for tests; the names are not resolved at build time). */
export type Importer = (name: string) => Promise<Record<string, unknown>>;
const importByName: Importer = (name) => import(name) as Promise<Record<string, unknown>>;

/**
 * Start tracing when the environment asks for it.
 * @param service the service name (`OTEL_SERVICE_NAME` wins), also the tracer's name.
 * @returns null when tracing is off.
 * @throws ConfigError when tracing is on but the optional packages are not installed.
 */
export async function startTracing(env: NodeJS.ProcessEnv, service: string, load: Importer = importByName): Promise<Tracing | null> {
  if (!tracesRequested(env)) return null;
  let mods: OtelModules;
  try {
    const [otel, sdk] = await Promise.all(OTEL_PACKAGES.map((p) => load(p)));
    mods = { BullMQOtel: otel.BullMQOtel as OtelModules['BullMQOtel'], NodeSDK: sdk.NodeSDK as OtelModules['NodeSDK'] };
    if (typeof mods.BullMQOtel !== 'function' || typeof mods.NodeSDK !== 'function') throw new Error('unexpected exports');
  } catch (e) {
    throw new ConfigError(
      `OpenTelemetry traces are switched on (OTEL_* environment) but ${OTEL_PACKAGES.join(' and ')} cannot be loaded (${(e as Error).message}): install them with "npm install ${OTEL_PACKAGES.join(' ')}", or unset OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_TRACES_EXPORTER`,
    );
  }
  const name = env.OTEL_SERVICE_NAME?.trim() || service;
  const sdk = new mods.NodeSDK({ serviceName: name });
  sdk.start();
  return { telemetry: new mods.BullMQOtel(name), shutdown: () => sdk.shutdown() };
}

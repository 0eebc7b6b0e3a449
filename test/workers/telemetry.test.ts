/**
 * OpenTelemetry traces (issue 19, item 3): off unless the standard OTEL_* variables ask for them;
 * when asked, the optional packages are loaded by name, the SDK started with the service name
 * and BullMQ given a BullMQOtel telemetry; without the packages, a clear settings error.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../pipelines/errors.js';
import { OTEL_PACKAGES, startTracing, tracesRequested, type Importer } from '../../workers/telemetry.js';

/** Fake optional packages that record what was done with them. */
function fakes() {
  const seen: string[] = [];
  class BullMQOtel {
    constructor(readonly name: string) {
      seen.push(`otel ${name}`);
    }
  }
  class NodeSDK {
    constructor(readonly opts: { serviceName?: string }) {
      seen.push(`sdk ${opts.serviceName}`);
    }
    start() {
      seen.push('start');
    }
    async shutdown() {
      seen.push('shutdown');
    }
  }
  const load: Importer = async (name) => {
    seen.push(`load ${name}`);
    if (name === 'bullmq-otel') return { BullMQOtel };
    if (name === '@opentelemetry/sdk-node') return { NodeSDK };
    throw new Error(`Cannot find package '${name}'`);
  };
  return { seen, load };
}

describe('tracesRequested', () => {
  it('is off by default and follows the standard variables', () => {
    expect(tracesRequested({})).toBe(false);
    expect(tracesRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracesRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracesRequested({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
    expect(tracesRequested({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe(false);
    expect(tracesRequested({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe(false);
  });
});

describe('startTracing', () => {
  it('loads nothing when tracing is off', async () => {
    const { seen, load } = fakes();
    expect(await startTracing({}, 'forecast-worker', load)).toBeNull();
    expect(seen).toEqual([]);
  });

  it('starts the SDK and gives BullMQ a BullMQOtel named after the service', async () => {
    const { seen, load } = fakes();
    const t = await startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SERVICE_NAME: 'shop-a' }, 'forecast-worker', load);
    expect(t).not.toBeNull();
    expect((t!.telemetry as unknown as { name: string }).name).toBe('shop-a');
    await t!.shutdown();
    expect(seen).toEqual([...OTEL_PACKAGES.map((p) => `load ${p}`), 'sdk shop-a', 'start', 'otel shop-a', 'shutdown']);
  });

  it('stops with a settings error naming the packages when they are not installed', async () => {
    const missing: Importer = async (name) => {
      throw new Error(`Cannot find package '${name}'`);
    };
    const run = startTracing({ OTEL_TRACES_EXPORTER: 'otlp' }, 'forecast-worker', missing);
    await expect(run).rejects.toBeInstanceOf(ConfigError);
    await expect(run).rejects.toThrow(/npm install bullmq-otel @opentelemetry\/sdk-node/);
  });
});

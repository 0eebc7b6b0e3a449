/**
 * Entry of the pooled stage's thread (see pipelines/forecast/pooled-runner.ts): runs the stage on
 * the input it was started with (histories in shared memory) and answers once, with the result
 * and its milliseconds, or with the error's message and stack.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../../config/schema.js';
import type { PooledThreadAnswer } from './pooled-runner.js';
import { pooledStage, type PooledInput } from './pooled-stage.js';

const port = parentPort;
if (!port) throw new Error('pipelines/forecast/pooled-thread.js runs only as a worker thread');
const { input, config } = workerData as { input: PooledInput; config: Pick<Config, 'models'> };

let answer: PooledThreadAnswer;
try {
  const t = performance.now();
  const stage = pooledStage(input, config);
  answer = { stage, ms: Math.round(performance.now() - t) };
} catch (e) {
  answer = { error: e instanceof Error ? { message: e.message, stack: e.stack } : { message: String(e) } };
}
port.postMessage(answer);

/**
 * bull-board's queue adapter for the `run` queue, with "Add job" routed through the workers'
 * own producer, `enqueueRun` (workers/run-queue.ts): the request is validated with the zod
 * `runPayloadSchema`, its run date fixed (or left to the data), its id derived from the input's content, and the
 * job added under that id with the run-job options, so a run triggered from the dashboard is the
 * same job as one from `forecast enqueue` (and a duplicate trigger returns the existing job).
 * The add-job editor's JSON Schema comes from the zod schema (dashboard/trigger-form.ts).
 * The job name and options typed into the dialog are ignored: a run job's name and options are
 * fixed by workers/queues.ts. Everything else (lists, retry, promote, clean, pause, logs,
 * schedulers) is bull-board's stock BullMQ adapter.
 */
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { QueueAdapterOptions, QueueJobOptions } from '@bull-board/api/dist/types.js';
import type { Job, Queue } from 'bullmq';
import type { Config } from '../config/schema.js';
import { retryOf } from '../pipelines/errors.js';
import { enqueueRun } from '../workers/run-queue.js';
import { exampleRunPayload, runJobDataSchema } from './trigger-form.js';

/** An error bull-board's error handler turns into a response with this status and message. */
export class BoardRequestError extends Error {
  override readonly name = 'BoardRequestError';
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

/** The `run` queue in bull-board, adding jobs with `enqueueRun`. */
export class RunQueueAdapter extends BullMQAdapter {
  readonly #queue: Queue;
  readonly #config: Config;

  /**
   * @param queue the `run` queue (producer side).
   * @param config settings (data directory, horizon, schedule time zone, job options).
   * @param options bull-board adapter options (`jobDataSchema`, `description`, ...).
   */
  constructor(queue: Queue, config: Config, options: Partial<QueueAdapterOptions> = {}) {
    super(queue, options);
    this.#queue = queue;
    this.#config = config;
  }

  /**
   * The JSON Schema of the add-job editor, built on each request so its example names the files
   * now in the data directory (dashboard/trigger-form.ts).
   */
  override getJobDataSchema(): Record<string, unknown> {
    return runJobDataSchema(exampleRunPayload(this.#config));
  }

  /**
   * Trigger a run with `enqueueRun`.
   * @param _name ignored (run jobs are named by workers/queues.ts).
   * @param data the run request.
   * @param _options ignored (run jobs take `runJobOptions`).
   * @returns the run's job (the existing one when the same run is already queued or done).
   * @throws BoardRequestError (400) for an error a retry cannot help (pipelines/errors.ts `retryOf`):
   *   an invalid request, a path outside the data directory, a missing or unusable input file.
   */
  override async addJob(_name: string, data: unknown, _options: QueueJobOptions): Promise<Job> {
    try {
      const res = await enqueueRun(this.#queue, this.#config, data);
      const job = await this.#queue.getJob(res.jobId);
      if (!job) throw new Error(`run job ${res.jobId} vanished right after it was added (removed or completed with removeOnComplete)`);
      return job;
    } catch (e) {
      if (retryOf(e) === 'never') throw new BoardRequestError((e as Error).message, 400);
      throw e;
    }
  }
}

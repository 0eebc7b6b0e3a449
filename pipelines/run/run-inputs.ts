/**
 * What stage 1 reads for a resolved run (pipelines/run/run-request.ts): the file asked for, or,
 * for a nightly run, the sales history once tonight's incoming files are merged into it
 * (pipelines/history/incoming.ts). The one nightly orchestration: `forecast nightly` runs the
 * stages after it in this process, the queue's run worker fans them out; both get the same
 * stage-1 request, hence the same run id and outputs.
 */
import { dataLayout } from '../io/paths.js';
import { describeOutcome, prepareNightlyIngest, type NightlyIngest } from '../history/incoming.js';
import { AFTER_DATA, historyRunConfig, type ResolvedRun } from './run-request.js';
import type { RunRequest } from './run.js';

/** Stage 1's request for a resolved run, without the shell's parts (progress, forecaster, staging directory). */
export type RunInputs = Required<Pick<RunRequest, 'input' | 'outDir' | 'config'>> &
  Pick<RunRequest, 'runDate' | 'runId' | 'runDateDefault' | 'runDateSource' | 'calendar' | 'inputSha256' | 'calendarSha256'> & {
    /** A nightly run's history, read and validated (stage 1 starts from it). */
    readonly ingested?: NightlyIngest;
  };

/**
 * The inputs of a run: for `mode: 'input'` its file; for a nightly run, new incoming files
 * merged into the sales history first (each file once; bad files moved to incoming/failed), and
 * the history read as `forecast run` reads its canonical export, with column auto-detection
 * (`historyRunConfig`). Runs go to `<dataDir>/out`.
 * @param run the resolved request.
 * @param opts.dataDir the data directory (layout: pipelines/io/paths.ts).
 * @param opts.log called with one line per incoming file (stderr, job log).
 * @throws InputError when the history is empty after ingesting.
 */
export async function runInputs(run: ResolvedRun, opts: { dataDir: string; log?: (line: string) => void }): Promise<RunInputs> {
  const layout = dataLayout(opts.dataDir);
  // a run whose date is the day after its data gets both from stage 1 (its runId is a job id until then)
  const after = run.dateChoice.source === 'after-data';
  const common = {
    outDir: layout.out,
    ...(after ? { runDateDefault: AFTER_DATA } : { runDate: run.runDate, runId: run.runId, runDateSource: run.dateChoice.source }),
    calendar: run.calendar?.path,
    calendarSha256: run.calendar?.sha256,
  };
  if (run.input) return { ...common, input: run.input.path, inputSha256: run.input.sha256, config: run.config };
  const readConfig = historyRunConfig(run.config);
  const ingested = await prepareNightlyIngest({
    dataDir: opts.dataDir,
    config: run.config,
    readConfig,
    runDate: run.runDate as string,
    runId: run.runId,
    onFile: (f) => {
      opts.log?.(describeOutcome(f));
      for (const w of f.warnings ?? []) opts.log?.(`warning: ${w.message}`);
    },
  });
  return { ...common, input: layout.historySnapshot, ingested, config: readConfig };
}

/**
 * Give a sandboxed processor thread's garbage back after a large job.
 *
 * A run job reads a whole sales history into typed arrays (about 1 GB at M5 scale) and is done
 * with them once the prepared run is written; but BullMQ keeps the processor thread for the next
 * job, and an idle V8 isolate does not collect, so the dead arrays stayed resident while the same
 * process went on to fit batches (peak RSS of that worker process 1.97 GiB at M5 scale). V8's
 * `gc` is exposed for this one call: the flag is set at run time (`v8.setFlagsFromString`) and
 * the function taken from a fresh context, the documented way to reach it without a command-line
 * flag. When that is not possible the call does nothing.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

/** Run a full garbage collection in this thread, if the runtime allows it. */
export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}

import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { ConfigError, InputError, OutputError, PathError, PayloadError } from '../../pipelines/errors.js';
import { classifyError } from '../../workers/job-context.js';

describe('classifyError', () => {
  it('fails a job for good on an error a retry cannot help, keeping its class name in the message', () => {
    for (const e of [new ConfigError('bad horizon'), new InputError('empty file'), new PathError('outside'), new PayloadError('invalid run payload')]) {
      const c = classifyError(e);
      expect(c).toBeInstanceOf(UnrecoverableError);
      expect(c.message).toBe(`${e.name}: ${e.message}`);
    }
  });
  it('leaves output, I/O and unknown failures to the attempts and backoff', () => {
    const out = new OutputError('disk full');
    expect(classifyError(out)).toBe(out);
    const io = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(classifyError(io)).toBe(io);
    // an error whose name merely looks like a bad-data one is not trusted
    const lookalike = Object.assign(new Error('x'), { name: 'InputError' });
    expect(classifyError(lookalike)).toBe(lookalike);
    const u = new UnrecoverableError('already');
    expect(classifyError(u)).toBe(u);
    expect(classifyError('text').message).toBe('text');
  });
});

import type { RejectCode } from '../../../pipelines/types.js';
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readlink, readdir, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStaging, openRejectedWriter, promoteRun } from '../../../pipelines/publish/publish.js';
import { writeFileAtomic } from '../../../pipelines/io/atomic-write.js';
import { OutputError } from '../../../pipelines/errors.js';

describe('publish', () => {
  it('promotes a staging dir and repoints latest; a rerun with the same id replaces it', async () => {
    const out = await mkdtemp(join(tmpdir(), 'pub-'));
    const s1 = await createStaging(out);
    await writeFileAtomic(join(s1, 'a.txt'), 'first');
    const d1 = await promoteRun(out, s1, 'r1');
    expect(await readlink(join(out, 'latest'))).toBe(join('runs', 'r1'));
    expect(await readFile(join(d1, 'a.txt'), 'utf8')).toBe('first');
    const s2 = await createStaging(out);
    await writeFileAtomic(join(s2, 'a.txt'), 'second');
    await promoteRun(out, s2, 'r1');
    expect(await readFile(join(out, 'latest', 'a.txt'), 'utf8')).toBe('second');
    const names = await readdir(join(out, 'runs'));
    expect(names).toEqual(['r1']);
  });

  it('writes rejected rows with line, codes, reason, raw fields and extra fields, neutralised', async () => {
    const out = await mkdtemp(join(tmpdir(), 'pub-'));
    const s = await createStaging(out);
    const w = openRejectedWriter(s, ['date', 'sku', 'qty']);
    w.write({ line: 7, codes: ['bad_date', 'missing_sku'], reason: 'date "x" is not a date; sku is empty', raw: ['x', '', '=1+1', 'surplus'] });
    await w.stream.commit();
    const text = await readFile(join(s, 'rejected.csv'), 'utf8');
    expect(text).toBe(
      'line,codes,reason,date,sku,qty,extra_fields\r\n' +
        `7,bad_date;missing_sku,"date ""x"" is not a date; sku is empty",x,,'=1+1,surplus\r\n`,
    );
  });

  it('lists at most maxPerCode rejected rows per code, the first ones, and counts the others', async () => {
    const out = await mkdtemp(join(tmpdir(), 'pub-'));
    const s = await createStaging(out);
    const w = openRejectedWriter(s, ['date'], 2);
    const row = (line: number, codes: RejectCode[]) => ({ line, codes, reason: 'r', raw: ['x'] });
    for (let i = 0; i < 4; i++) w.write(row(10 + i, ['bad_date']));
    w.write(row(20, ['bad_date', 'missing_sku'])); // listed: missing_sku is under its cap
    w.write(row(21, ['missing_sku']));
    w.write(row(22, ['missing_sku']));
    expect(w.admit(['bad_date'])).toBe(false); // counted as left out, not to be written
    await w.stream.commit();
    const lines = (await readFile(join(s, 'rejected.csv'), 'utf8')).trim().split('\r\n').slice(1).map((l) => l.split(',')[0]);
    expect(lines).toEqual(['10', '11', '20', '21']);
    expect(w.listed()).toBe(4);
    expect(w.notListed()).toEqual({ rows: 4, maxPerCode: 2, byCode: { bad_date: 3, missing_sku: 1 } });
  });

  it('reports an unwritable directory as an OutputError', async () => {
    if (process.getuid?.() === 0) {
      // root ignores permission bits: use a path under a regular file instead
      const base = await mkdtemp(join(tmpdir(), 'pub-'));
      await writeFile(join(base, 'file'), 'x');
      await expect(writeFileAtomic(join(base, 'file', 'x.csv'), 'y')).rejects.toBeInstanceOf(OutputError);
      return;
    }
    const base = await mkdtemp(join(tmpdir(), 'pub-'));
    await chmod(base, 0o500);
    await expect(writeFileAtomic(join(base, 'x.csv'), 'y')).rejects.toBeInstanceOf(OutputError);
  });
});

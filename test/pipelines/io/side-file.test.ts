import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfigFile } from '../../../config/load.js';
import { ConfigError, InputError } from '../../../pipelines/errors.js';
import { checkRegularFile, readSideFile } from '../../../pipelines/io/side-file.js';

const dir = mkdtempSync(join(tmpdir(), 'side-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'sub'));

describe('readSideFile', () => {
  it('reads a regular file, and gzip content decompressed', () => {
    writeFileSync(join(dir, 'a.csv'), 'date\n2024-01-01\n');
    writeFileSync(join(dir, 'a.csv.gz'), gzipSync('date\n2024-01-01\n'));
    expect(readSideFile(join(dir, 'a.csv'), 'calendar', 1024).toString()).toBe('date\n2024-01-01\n');
    expect(readSideFile(join(dir, 'a.csv.gz'), 'calendar', 1024).toString()).toBe('date\n2024-01-01\n');
  });

  it('refuses a device and a directory before reading (a FIFO: test/reliability/hostile.test.ts), and a missing file', () => {
    for (const p of ['/dev/zero', join(dir, 'sub')]) expect(() => readSideFile(p, 'calendar', 1024), p).toThrow(/calendar ".*" is not a regular file/);
    expect(() => readSideFile(join(dir, 'nope.csv'), 'calendar', 1024)).toThrow(/calendar not found: ".*nope\.csv"/);
    expect(() => readSideFile('/dev/zero', 'calendar', 1024)).toThrow(InputError);
  });

  it('refuses a file over the limit, and gzip content that inflates past it', () => {
    writeFileSync(join(dir, 'big.csv'), 'x'.repeat(2048));
    expect(() => readSideFile(join(dir, 'big.csv'), 'overrides file', 1024)).toThrow(/is 2,048 bytes, more than the 1,024 allowed \(validation\.maxSideFileBytes\)/);
    writeFileSync(join(dir, 'bomb.gz'), gzipSync(Buffer.alloc(10 << 20)));
    expect(() => readSideFile(join(dir, 'bomb.gz'), 'calendar', 1 << 20)).toThrow(/decompresses to more than the 1,048,576 bytes allowed/);
  });

  it('checkRegularFile names what a path is without opening it', () => {
    writeFileSync(join(dir, 'ok.csv'), 'abc');
    expect(checkRegularFile(join(dir, 'ok.csv'), 'input')).toBe(3);
    expect(() => checkRegularFile('/dev/null', 'input')).toThrow(/input "\/dev\/null" is not a regular file/);
  });
});

describe('readConfigFile', () => {
  it('refuses /dev/zero, and never quotes the contents of a file that is not JSON', () => {
    expect(() => readConfigFile('/dev/zero')).toThrow(ConfigError);
    expect(() => readConfigFile(join(dir, 'sub'))).toThrow(/config file ".*sub" is not a regular file/);
    writeFileSync(join(dir, 'shadow'), 'root:$6$s3cr3t:19000:0:99999:7:::\n');
    let msg = '';
    try {
      readConfigFile(join(dir, 'shadow'));
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/config file ".*shadow" is not valid JSON/);
    expect(msg).not.toMatch(/s3cr3t|root/);
    writeFileSync(join(dir, 'bad.json'), '{"horizon": 7,}');
    expect(() => readConfigFile(join(dir, 'bad.json'))).toThrow(/not valid JSON at character 15$/);
    writeFileSync(join(dir, 'bom.json'), '\ufeff{"horizon": 7}');
    expect(readConfigFile(join(dir, 'bom.json'))).toEqual({ horizon: 7 });
  });
});

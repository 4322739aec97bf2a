// How many parser threads a scan starts: none for small reads, and for large ones only the cores beyond the two a
// scan keeps busy anyway (measured: on 2 cores threads cost RSS and CPU and saved no wall time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WORKER_MIN_BYTES, parserThreadCount } from '../../src/core/sources/claude-code/parserPool';

const LARGE = WORKER_MIN_BYTES * 4;

test('parser threads: by cores for large reads, none for small ones, the option and the modes win', () => {
  assert.deepEqual([1, 2, 3, 4, 8, 64].map((cores) => parserThreadCount(100, LARGE, 'auto', undefined, cores)), [0, 0, 1, 2, 2, 2]);
  assert.equal(parserThreadCount(100, WORKER_MIN_BYTES - 1, 'auto', undefined, 8), 0, 'a small read parses inline');
  assert.equal(parserThreadCount(1, LARGE, 'auto', undefined, 8), 0, 'one file parses inline');
  assert.equal(parserThreadCount(100, 10, 'always', undefined, 2), 1, "'always' starts a thread even on 2 cores");
  assert.equal(parserThreadCount(100, LARGE, 'never', undefined, 8), 0);
  assert.equal(parserThreadCount(100, LARGE, 'auto', 2, 2), 2, 'the option wins');
  assert.equal(parserThreadCount(100, LARGE, 'auto', 9, 2), 4, 'at most 4');
});

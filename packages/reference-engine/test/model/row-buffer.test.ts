import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RowBuffer } from '../../src/model/row-buffer.ts';

describe('RowBuffer', () => {
  it('grows by doubling, keeps its rows, and refuses more than maxRows', () => {
    const b = new RowBuffer(3, 10, 2);
    assert.equal(b.capacity, 2);
    b.data.set([1, 2, 3, 4, 5, 6]);
    b.ensure(3);
    assert.equal(b.capacity, 4);
    assert.deepEqual(Array.from(b.data.subarray(0, 6)), [1, 2, 3, 4, 5, 6]);
    b.ensure(9);
    assert.equal(b.capacity, 9, 'a jump past double takes the rows asked for');
    b.ensure(10);
    assert.equal(b.capacity, 10, 'doubling stops at maxRows');
    assert.deepEqual(Array.from(b.data.subarray(0, 6)), [1, 2, 3, 4, 5, 6]);
    assert.throws(() => b.ensure(11), /11 rows asked for, at most 10/);
  });
});

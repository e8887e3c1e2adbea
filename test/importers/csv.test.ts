import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv } from '../../src/importers/csv.ts';

test('parseCsv reads what Python\'s csv.DictWriter writes: quotes, doubled quotes, commas and newlines in fields, CRLF', () => {
  const text = 'a,b,c\r\n1,"x, y","say ""hi"""\r\n2,,"two\nlines"\r\n\r\n3,last,\r\n';
  assert.deepEqual(parseCsv(text), [
    { line: 1, fields: ['a', 'b', 'c'] },
    { line: 2, fields: ['1', 'x, y', 'say "hi"'] },
    { line: 3, fields: ['2', '', 'two\nlines'] },
    { line: 6, fields: ['3', 'last', ''] },
  ]);
  assert.deepEqual(parseCsv('a,b'), [{ line: 1, fields: ['a', 'b'] }]);
  assert.throws(() => parseCsv('a\n"open,b\n'), /line 2: a quoted field is never closed/);
});

test('parseCsv drops a leading UTF-8 byte order mark, so the first header name is clean', () => {
  assert.deepEqual(parseCsv('\uFEFFalgorithm,dataset\r\nEAGLE,mt\r\n'), [
    { line: 1, fields: ['algorithm', 'dataset'] },
    { line: 2, fields: ['EAGLE', 'mt'] },
  ]);
  assert.deepEqual(parseCsv('\uFEFF"quoted",b'), [{ line: 1, fields: ['quoted', 'b'] }]);
  assert.deepEqual(parseCsv('a,\uFEFFb'), [{ line: 1, fields: ['a', '\uFEFFb'] }]);
});

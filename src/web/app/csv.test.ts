import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toCsv } from './csv.ts';

test('every field quoted, quotes doubled, formulas defused; a negative decimal stays a number', () => {
  const csv = toCsv(
    ['a', 'b'],
    [
      ['=SUM(A1)', '-12.50'],
      ['-1+2', 'say "hi"'],
      [null, 3],
      ['@x', '-7'],
    ],
  );
  assert.equal(csv, '"a","b"\r\n"\'=SUM(A1)","-12.50"\r\n"\'-1+2","say ""hi"""\r\n"","3"\r\n"\'@x","-7"\r\n');
});

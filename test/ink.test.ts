// The ink limit on pictures, tested on pixels whose coverage is known.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { cmykTiff, limitInk, maxInk } from '../src/images/ink.js';

test('a pixel over the limit loses C, M and Y in proportion, keeps its K, and ends within the limit', () => {
  const px = Uint8Array.from([200, 180, 160, 200, 10, 20, 30, 40]);
  const changed = limitInk(px, 240);
  assert.equal(changed, 1);
  const total = px[0]! + px[1]! + px[2]! + px[3]!;
  assert.ok(total <= Math.round(2.4 * 255), `${total} over the limit`);
  assert.ok(total >= Math.round(2.4 * 255) - 3, `${total}: more taken back than needed`);
  assert.equal(px[3], 200);
  assert.ok(px[0]! > px[1]! && px[1]! > px[2]!, 'the balance of C, M and Y changed');
  assert.deepEqual([...px.subarray(4)], [10, 20, 30, 40], 'a pixel within the limit was touched');
});

test('a pixel whose K alone passes the limit keeps K at the limit and no colour', () => {
  const px = Uint8Array.from([255, 255, 255, 255]);
  limitInk(px, 80);
  assert.deepEqual([...px], [0, 0, 0, 204]);
});

test('maxInk reports the highest coverage in percent', () => {
  assert.equal(maxInk(Uint8Array.from([255, 255, 0, 0, 0, 0, 0, 255])), 200);
});

test('the CMYK TIFF carries the values into a CMYK JPEG unchanged (but for JPEG rounding)', async () => {
  const width = 16;
  const height = 8;
  const px = new Uint8Array(width * height * 4);
  for (let i = 0; i < px.length; i += 4) px.set([200, 40, 120, 90], i);
  const tiff = cmykTiff(px, width, height);
  const meta = await sharp(tiff).metadata();
  assert.deepEqual([meta.space, meta.channels, meta.width, meta.height], ['cmyk', 4, width, height]);
  const jpeg = await sharp(tiff).pipelineColourspace('cmyk').toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
  assert.equal((await sharp(jpeg).metadata()).channels, 4);
  const back = await sharp(jpeg).pipelineColourspace('cmyk').toColourspace('cmyk').raw().toBuffer();
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(back[i]! - px[i]!) <= 2, `channel ${i}: ${back[i]} for ${px[i]}`);
});

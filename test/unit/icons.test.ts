/**
 * The committed icons are the SVG's rendering at the sizes the manifest names, so that changing
 * assets/icon.svg without `npm run icons` fails here.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ICON_DIR, ICON_SIZES, renderIcon } from '../../scripts/icons.mjs';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('icons', () => {
  it.each(ICON_SIZES)('public/icon/%i.png is the SVG rendered at that size', (size) => {
    const committed = readFileSync(resolve(ICON_DIR, `${size}.png`));
    expect(pngSize(committed)).toEqual([size, size]);
    expect(Buffer.from(renderIcon(size)).equals(committed)).toBe(true);
  });
});

/**
 * Renders Backline's icon (assets/icon.svg) to the PNG sizes the manifest names
 * (public/icon/<size>.png: toolbar 16 and 32, extensions page 48, store 128).
 * The PNGs are committed; run this after changing the SVG (`npm run icons`).
 * test/unit/icons.test.ts fails when they no longer match it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Resvg } from '@resvg/resvg-js';

export const ICON_SIZES = [16, 32, 48, 128];
export const ICON_SVG = resolve(import.meta.dirname, '../assets/icon.svg');
export const ICON_DIR = resolve(import.meta.dirname, '../public/icon');

/** The icon as a PNG of `size` × `size` pixels. */
export function renderIcon(size) {
  const svg = readFileSync(ICON_SVG, 'utf8');
  return new Resvg(svg, { fitTo: { mode: 'width', value: size }, shapeRendering: 2, background: 'rgba(0,0,0,0)' }).render().asPng();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync(ICON_DIR, { recursive: true });
  for (const size of ICON_SIZES) {
    writeFileSync(resolve(ICON_DIR, `${size}.png`), renderIcon(size));
    console.log(`public/icon/${size}.png`);
  }
}

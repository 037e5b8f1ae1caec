// Type declarations for ./icons.mjs (run by node without a build step).
export const ICON_SIZES: number[];
export const ICON_SVG: string;
export const ICON_DIR: string;
/** The icon as a PNG of `size` × `size` pixels. */
export function renderIcon(size: number): Buffer;

// Where the window reopens. The bounds are a UI preference kept in electron-store; what comes back
// from that file is validated (zod) and must still be on a connected display, otherwise the window
// opens at its default place (a monitor unplugged since last time must not hide it off-screen).
import { z } from 'zod';

export const windowBoundsSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(200).max(20_000),
  height: z.number().int().min(150).max(20_000),
  maximized: z.boolean().default(false),
});
export type WindowBounds = z.infer<typeof windowBoundsSchema>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

function overlap(a: Rect, b: Rect): Rect | undefined {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : undefined;
}

// Enough of the top edge to grab and drag the window back.
const MIN_VISIBLE_WIDTH = 100;
const TITLE_BAR_HEIGHT = 30;

/**
 * Saved bounds if the window's title bar would be reachable on one of the displays' work areas,
 * with the size shrunk to fit that display; undefined when the saved value is invalid or off-screen.
 */
export function restorableBounds(saved: unknown, workAreas: readonly Rect[]): WindowBounds | undefined {
  const parsed = windowBoundsSchema.safeParse(saved);
  if (!parsed.success) return undefined;
  const b = parsed.data;
  const titleBar: Rect = { x: b.x, y: b.y, width: b.width, height: TITLE_BAR_HEIGHT };
  for (const area of workAreas) {
    const seen = overlap(titleBar, area);
    if (!seen || seen.width < MIN_VISIBLE_WIDTH || seen.height < TITLE_BAR_HEIGHT) continue;
    // Too big for this display: fill it (moving the window too, so shrinking cannot push the
    // title bar out of reach).
    const fitsWide = b.width <= area.width;
    const fitsTall = b.height <= area.height;
    return {
      ...b,
      x: fitsWide ? b.x : area.x,
      y: fitsTall ? b.y : area.y,
      width: fitsWide ? b.width : area.width,
      height: fitsTall ? b.height : area.height,
    };
  }
  return undefined;
}

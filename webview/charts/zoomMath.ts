// The arithmetic of zooming and panning a category axis (./zoom.ts wires it to the pointer, the wheel
// and the keys). No DOM: unit-tested in Node.

/** The fewest categories a zoomed view shows (a day chart never zooms to less than three bars). */
const MIN_SPAN = 3;
export const ZOOM_STEP = 1.25;

export interface ZoomView { min: number; max: number }

/** The view after zooming `view` of `count` categories by `factor` (> 1 zooms in) around category `at`. */
export function zoomedView(view: ZoomView, count: number, factor: number, at: number): ZoomView | null {
  const span = view.max - view.min;
  const minSpan = Math.min(MIN_SPAN - 1, count - 1);
  const next = Math.max(minSpan, Math.min(count - 1, span / factor));
  const ratio = span > 0 ? (at - view.min) / span : 0.5;
  let min = at - ratio * next;
  min = Math.max(0, Math.min(count - 1 - next, min));
  return clampView({ min, max: min + next }, count);
}

/** `view` moved by `delta` categories, kept inside [0, count − 1]. */
export function pannedView(view: ZoomView, count: number, delta: number): ZoomView | null {
  const span = view.max - view.min;
  const min = Math.max(0, Math.min(count - 1 - span, view.min + delta));
  return clampView({ min, max: min + span }, count);
}

/** The view, or null when it shows every category (not zoomed). */
export function clampView(v: ZoomView, count: number): ZoomView | null {
  return v.min <= 0 && v.max >= count - 1 ? null : v;
}

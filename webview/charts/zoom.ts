// Zoom and pan along the category x axis of a time chart (one bar per day or per interval): the wheel
// (and a trackpad pinch, which Chromium delivers as a wheel with ctrlKey) zooms around the pointer, a
// drag pans, two touch pointers pinch, and the focused canvas takes + − ← → Home/0. Our own, small:
// pointer events cover mouse, pen and touch alike, so no gesture library is needed, and nothing here
// needs eval or inline style attributes (the webview's CSP forbids both).
//
// The view is a span of category indices [min, max]; Chart.js draws it through scales.x.min/max.
import type { Chart } from 'chart.js';
import { ZOOM_STEP, clampView, pannedView, zoomedView } from './zoomMath';
import type { ZoomView } from './zoomMath';

export type { ZoomView };

/** A press that moved less than this many pixels is a click (a drill-down), not a pan. */
const CLICK_SLOP_PX = 4;

export interface ZoomController {
  /** The shown span, or null when the whole series is shown. */
  readonly view: ZoomView | null;
  zoom(factor: number, at?: number): void;
  pan(delta: number): void;
  reset(): void;
  /** True once after a press that panned: the click that follows it is not a drill-down. */
  consumeDrag(): boolean;
  detach(): void;
}

/**
 * Wires zoom and pan into `chart` (its x scale must be a category scale). `onChange` hears every new
 * view (null = reset), so the card can show "Reset zoom" and keep the view across a theme redraw.
 */
export function attachZoom(chart: Chart, canvas: HTMLCanvasElement, initial: ZoomView | null, onChange: (v: ZoomView | null) => void): ZoomController {
  const count = () => (chart.data.labels?.length ?? 0);
  let view: ZoomView | null = null;
  let dragged = false;

  const apply = (next: ZoomView | null) => {
    view = next;
    const x = chart.options.scales?.x;
    if (x) {
      // Whole categories; the span is rounded on its own so a pan never changes how many days show.
      const min = next ? Math.round(next.min) : undefined;
      x.min = min;
      x.max = next && min !== undefined ? min + Math.round(next.max - next.min) : undefined;
    }
    chart.update('none');
    onChange(next);
  };
  const full = (): ZoomView => ({ min: 0, max: Math.max(0, count() - 1) });
  /** The (fractional) category under a pixel x of the canvas. */
  const categoryAt = (px: number): number => {
    const scale = chart.scales.x;
    const v = view ?? full();
    if (!scale || scale.width <= 0) return (v.min + v.max) / 2;
    const f = Math.max(0, Math.min(1, (px - scale.left) / scale.width));
    return v.min - 0.5 + f * (v.max - v.min + 1);
  };
  const pxPerCategory = () => {
    const v = view ?? full();
    return (chart.scales.x?.width ?? 1) / (v.max - v.min + 1);
  };

  const ctl: ZoomController = {
    get view() { return view; },
    zoom(factor, at) {
      const n = count();
      if (n < 2) return;
      const v = view ?? full();
      apply(zoomedView(v, n, factor, at ?? (v.min + v.max) / 2));
    },
    pan(delta) {
      if (!view) return;
      apply(pannedView(view, count(), delta));
    },
    reset() {
      if (view) apply(null);
    },
    consumeDrag() {
      const d = dragged;
      dragged = false;
      return d;
    },
    detach() {
      canvas.removeEventListener('wheel', onWheel);
      canvas.removeEventListener('pointerdown', onDown);
      canvas.removeEventListener('pointermove', onMove);
      canvas.removeEventListener('pointerup', onUp);
      canvas.removeEventListener('pointercancel', onUp);
      canvas.removeEventListener('keydown', onKey);
    },
  };

  const onWheel = (e: WheelEvent) => {
    if (e.deltaY === 0) return;
    e.preventDefault();
    // A pinch arrives as small ctrlKey deltas: scale them so a pinch feels like the wheel, not faster.
    const steps = e.ctrlKey ? Math.max(-3, Math.min(3, -e.deltaY / 25)) : -Math.sign(e.deltaY);
    ctl.zoom(ZOOM_STEP ** steps, categoryAt(e.offsetX));
  };

  // Pointers held down: one pans, two pinch (the distance between them sets the zoom).
  const pointers = new Map<number, number>();
  let panFrom: { x: number; view: ZoomView } | null = null;
  let pinchFrom: { distance: number; view: ZoomView; at: number } | null = null;
  let travelled = 0;
  const onDown = (e: PointerEvent) => {
    if (e.button !== 0) return;
    pointers.set(e.pointerId, e.offsetX);
    travelled = 0;
    if (pointers.size === 1) {
      panFrom = view ? { x: e.offsetX, view } : null;
    } else if (pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      panFrom = null;
      pinchFrom = { distance: Math.abs(a - b) || 1, view: view ?? full(), at: categoryAt((a + b) / 2) };
    }
  };
  const onMove = (e: PointerEvent) => {
    if (!pointers.has(e.pointerId)) return;
    const before = pointers.get(e.pointerId)!;
    pointers.set(e.pointerId, e.offsetX);
    travelled += Math.abs(e.offsetX - before);
    if (travelled >= CLICK_SLOP_PX && !canvas.hasPointerCapture(e.pointerId)) {
      // Keeps a drag going when it leaves the canvas; a pointer the browser no longer tracks cannot be captured.
      try { canvas.setPointerCapture(e.pointerId); } catch { /* not an active pointer: no capture needed */ }
    }
    if (pinchFrom && pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      apply(zoomedView(pinchFrom.view, count(), (Math.abs(a - b) || 1) / pinchFrom.distance, pinchFrom.at));
    } else if (panFrom && travelled >= CLICK_SLOP_PX) {
      apply(pannedView(panFrom.view, count(), -(e.offsetX - panFrom.x) / pxPerCategory()));
    }
  };
  const onUp = (e: PointerEvent) => {
    if (!pointers.delete(e.pointerId)) return;
    if (travelled >= CLICK_SLOP_PX) dragged = true;
    if (pointers.size < 2) pinchFrom = null;
    if (pointers.size === 0) panFrom = null;
  };
  const onKey = (e: KeyboardEvent) => {
    const step = Math.max(1, Math.round(((view ?? full()).max - (view ?? full()).min) / 4));
    switch (e.key) {
      case '+': case '=': ctl.zoom(ZOOM_STEP); break;
      case '-': case '_': ctl.zoom(1 / ZOOM_STEP); break;
      case 'ArrowLeft': if (!view || e.altKey) return; ctl.pan(-step); break;
      case 'ArrowRight': if (!view || e.altKey) return; ctl.pan(step); break;
      case '0': case 'Home': if (!view) return; ctl.reset(); break;
      default: return;
    }
    e.preventDefault();
    e.stopPropagation();
  };

  canvas.addEventListener('wheel', onWheel, { passive: false });
  canvas.addEventListener('pointerdown', onDown);
  canvas.addEventListener('pointermove', onMove);
  canvas.addEventListener('pointerup', onUp);
  canvas.addEventListener('pointercancel', onUp);
  canvas.addEventListener('keydown', onKey);
  if (initial && count() > 1) apply(clampView(initial, count()));
  return ctl;
}

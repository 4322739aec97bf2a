// A card holding one Chart.js canvas. The chart is rebuilt from `build(theme)` whenever the spec
// changes or VS Code switches theme (colours are read from --vscode-* variables at build time).
// `zoomable`: the category x axis zooms and pans (./zoom.ts) with a "Reset zoom" button in the header;
// `drillable`: a click on a bar or slice emits `chart-click` (detail: { index }) for a drill-down.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ActiveElement, ChartConfiguration, ChartEvent } from 'chart.js';
import { Chart } from './register';
import { attachZoom } from './zoom';
import type { ZoomController, ZoomView } from './zoom';
import { onThemeChange, theme } from '../theme';
import type { Theme } from '../theme';
import { cardStyles } from '../components/styles';
import * as l10n from '../l10n';

/** What a drillable chart's click says: the category (day, interval) or slice index under the pointer. */
export interface ChartClickDetail { index: number }

export type ChartBuilder = (t: Theme) => ChartConfiguration;

@customElement('chart-card')
export class ChartCard extends LitElement {
  static override styles = [cardStyles, css`
    :host { display: block; min-width: 0; }
    .canvas-wrap { position: relative; height: 220px; }
    :host([tall]) .canvas-wrap { height: 260px; }
    :host([short]) .canvas-wrap { height: 180px; }
    .nothing { height: 100%; display: flex; align-items: center; justify-content: center; color: var(--vscode-descriptionForeground); font-style: italic; }
    .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    :host([drillable]) canvas { cursor: pointer; }
    :host([zoomable]) canvas { touch-action: none; }
    canvas:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
    .reset-zoom { margin-left: auto; }
  `];

  @property() heading = '';
  @property() subheading = '';
  /** One-line text alternative of the chart (aria-label of the canvas). */
  @property() summary = '';
  /** True when there is nothing to draw: the card says so instead. */
  @property({ type: Boolean }) empty = false;
  @property() emptyText = 'Nothing to draw for this range.';
  @property({ attribute: false }) build: ChartBuilder | null = null;
  @property({ type: Boolean, reflect: true }) zoomable = false;
  @property({ type: Boolean, reflect: true }) drillable = false;
  /** The zoomed span (category indices), null when the whole series shows. */
  @state() private zoomView: ZoomView | null = null;
  private zoom: ZoomController | null = null;

  @query('canvas') private canvas?: HTMLCanvasElement;
  private chart: Chart | null = null;
  private unsubscribe: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.unsubscribe = onThemeChange(() => this.redraw());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.chart?.destroy();
    this.chart = null;
  }

  protected override updated(changed: Map<string, unknown>): void {
    if (changed.has('build') || changed.has('empty')) {
      // New data starts unzoomed; a theme redraw (below, from onThemeChange) keeps the view.
      this.zoomView = null;
      this.redraw();
    }
  }

  /** The chart on the canvas (tests and the app read it; null while empty). */
  get chartInstance(): Chart | null {
    return this.chart;
  }

  /** Zoom controls for the app and tests: the same steps as the keys. */
  get zoomController(): ZoomController | null {
    return this.zoom;
  }

  private onChartClick(event: ChartEvent, active: ActiveElement[], chart: Chart): void {
    if (this.zoom?.consumeDrag() || !this.drillable || !event.native) return;
    const hit = active[0] ?? chart.getElementsAtEventForMode(event.native, 'index', { intersect: false }, false)[0];
    if (!hit) return;
    this.dispatchEvent(new CustomEvent<ChartClickDetail>('chart-click', { detail: { index: hit.index }, bubbles: true, composed: true }));
  }

  private redraw(): void {
    this.zoom?.detach();
    this.zoom = null;
    this.chart?.destroy();
    this.chart = null;
    if (this.empty || !this.build || !this.canvas) return;
    const t = theme();
    Chart.defaults.color = t.fg;
    Chart.defaults.borderColor = t.grid;
    Chart.defaults.font.family = t.font;
    Chart.defaults.font.size = Math.max(11, t.fontSize - 1);
    const cfg = this.build(t);
    if (this.drillable) cfg.options = { ...cfg.options, onClick: (e, active, chart) => this.onChartClick(e, active, chart) };
    this.chart = new Chart(this.canvas, cfg);
    if (this.zoomable) this.zoom = attachZoom(this.chart, this.canvas, this.zoomView, (v) => { this.zoomView = v; });
  }

  override render() {
    return html`
      <section class="card" aria-label=${this.heading}>
        <header class="card-head">
          <h3>${this.heading}</h3>
          ${this.subheading ? html`<span class="sub">${this.subheading}</span>` : nothing}
          <slot name="actions"></slot>
          ${this.zoomView ? html`<vscode-button class="reset-zoom" secondary icon="zoom-out" @click=${() => this.zoom?.reset()}>${l10n.t('Reset zoom')}</vscode-button>` : nothing}
        </header>
        <div class="canvas-wrap">
          ${this.empty
            ? html`<div class="nothing" role="note">${this.emptyText}</div>`
            : html`<canvas role="img" aria-label=${this.summary || this.heading} tabindex=${this.zoomable ? '0' : nothing}
              title=${this.zoomable ? l10n.t('Wheel or pinch to zoom, drag to pan; keys + − ← → and 0 to reset') : ''}
              aria-roledescription=${this.zoomable ? l10n.t('zoomable chart') : nothing}></canvas>`}
        </div>
        <slot></slot>
      </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chart-card': ChartCard }
}

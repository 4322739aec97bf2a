// A card holding one Chart.js canvas. The chart is rebuilt from `build(theme)` whenever the spec
// changes or VS Code switches theme (colours are read from --vscode-* variables at build time).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { ChartConfiguration } from 'chart.js';
import { Chart } from './register';
import { onThemeChange, theme } from '../theme';
import type { Theme } from '../theme';
import { cardStyles } from '../components/styles';

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
  `];

  @property() heading = '';
  @property() subheading = '';
  /** One-line text alternative of the chart (aria-label of the canvas). */
  @property() summary = '';
  /** True when there is nothing to draw: the card says so instead. */
  @property({ type: Boolean }) empty = false;
  @property() emptyText = 'Nothing to draw for this range.';
  @property({ attribute: false }) build: ChartBuilder | null = null;

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
    if (changed.has('build') || changed.has('empty')) this.redraw();
  }

  private redraw(): void {
    this.chart?.destroy();
    this.chart = null;
    if (this.empty || !this.build || !this.canvas) return;
    const t = theme();
    Chart.defaults.color = t.fg;
    Chart.defaults.borderColor = t.grid;
    Chart.defaults.font.family = t.font;
    Chart.defaults.font.size = Math.max(11, t.fontSize - 1);
    this.chart = new Chart(this.canvas, this.build(t));
  }

  override render() {
    return html`
      <section class="card" aria-label=${this.heading}>
        <header class="card-head">
          <h3>${this.heading}</h3>
          ${this.subheading ? html`<span class="sub">${this.subheading}</span>` : nothing}
          <slot name="actions"></slot>
        </header>
        <div class="canvas-wrap">
          ${this.empty
            ? html`<div class="nothing" role="note">${this.emptyText}</div>`
            : html`<canvas role="img" aria-label=${this.summary || this.heading}></canvas>`}
        </div>
        <slot></slot>
      </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chart-card': ChartCard }
}

// Hour × weekday activity as an HTML grid (a real table, so it reads as data without the colours).
// Intensity is one of ten classes: the CSP forbids inline styles and lit would need them otherwise.
import { LitElement, css, html, unsafeCSS } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PanelReadModel, PanelView } from '../../src/protocol';
import { compact, usd } from '../format';
import { cardStyles } from './styles';
import { t } from '../l10n';

const DAYS = [t('Mon'), t('Tue'), t('Wed'), t('Thu'), t('Fri'), t('Sat'), t('Sun')];
const LEVELS = 9;

@customElement('activity-heatmap')
export class ActivityHeatmap extends LitElement {
  static override styles = [cardStyles, css`
    :host { display: block; min-width: 0; }
    table { border-collapse: separate; border-spacing: 2px; width: 100%; table-layout: fixed; }
    th { font-weight: normal; color: var(--vscode-descriptionForeground); font-size: 0.85em; }
    th.day { text-align: right; padding-right: 4px; width: 36px; }
    th.hour { text-align: left; font-size: 0.78em; }
    td { height: 18px; border-radius: 2px; background: color-mix(in srgb, var(--vscode-foreground) 8%, transparent); }
    td:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
    ${unsafeCSS([...Array(LEVELS + 1).keys()].slice(1).map((i) =>
      `td.l${i} { background: color-mix(in srgb, var(--vscode-charts-blue) ${Math.round(15 + (85 * i) / LEVELS)}%, transparent); }`).join('\n'))}
    .legend { display: flex; gap: 6px; align-items: center; margin-top: 6px; font-size: 0.85em; color: var(--vscode-descriptionForeground); }
    .legend span.sw { display: inline-block; width: 12px; height: 10px; border-radius: 2px; }
    ${unsafeCSS([...Array(LEVELS + 1).keys()].slice(1).map((i) =>
      `.legend .sw.l${i} { background: color-mix(in srgb, var(--vscode-charts-blue) ${Math.round(15 + (85 * i) / LEVELS)}%, transparent); }`).join('\n'))}
    .nothing { height: 120px; display: flex; align-items: center; justify-content: center; color: var(--vscode-descriptionForeground); font-style: italic; }
  `];

  @property({ attribute: false }) model!: PanelReadModel;
  @property() view: PanelView = 'cost';

  override render() {
    const h = this.model.heatmap;
    const cost = this.view === 'cost';
    const grid = cost ? h.cost : h.tokens;
    const max = cost ? h.maxCost : h.maxTokens;
    const fmt = (v: number) => (cost ? usd(v) : `${compact(v)} tokens`);
    const level = (v: number) => (v <= 0 || max <= 0 ? 0 : Math.max(1, Math.ceil((v / max) * LEVELS)));
    const peak = cost ? h.peakCost : h.peakTokens;
    return html`<section class="card" aria-label=${t('Activity by weekday and hour')}>
      <header class="card-head"><h3>${t('Activity by weekday and hour')}</h3><span class="sub">${cost ? t('cost, {0}', this.model.window.tz) : t('tokens, {0}', this.model.window.tz)}</span></header>
      ${max <= 0 ? html`<div class="nothing" role="note">${t('No activity in this range.')}</div>` : html`
      <table aria-label=${peak ? t('Activity by weekday and hour; busiest: {0} {1}:00 with {2}', DAYS[peak.weekday], peak.hour, fmt(peak.value)) : t('Activity by weekday and hour')}>
        <thead><tr><th></th>${[...Array(24).keys()].map((hr) => html`<th class="hour" scope="col">${hr % 3 === 0 ? String(hr).padStart(2, '0') : ''}<span class="sr-only">${hr % 3 === 0 ? '' : `${hr}`}:00</span></th>`)}</tr></thead>
        <tbody>${grid.map((row, d) => html`<tr><th class="day" scope="row">${DAYS[d]}</th>${row.map((v, hr) => html`<td class=${`l${level(v)}`}
          title=${`${DAYS[d]} ${String(hr).padStart(2, '0')}:00–${String(hr + 1).padStart(2, '0')}:00: ${fmt(v)}, ${h.requests[d][hr]} requests`}
          aria-label=${`${DAYS[d]} ${hr}:00: ${fmt(v)}`}></td>`)}</tr>`)}</tbody>
      </table>
      <div class="legend" aria-hidden="true">${t('less')} ${[1, 3, 5, 7, 9].map((i) => html`<span class=${`sw l${i}`}></span>`)} ${t('more')}</div>`}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'activity-heatmap': ActivityHeatmap }
}

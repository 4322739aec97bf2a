// The four KPI cards with deltas vs the previous window (▲/▼, coloured by direction, never colour alone).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Kpi, PanelReadModel } from '../../src/protocol';
import { compact, duration, full, pct, usd, usdPrecise } from '../format';
import { cardStyles } from './styles';
import { t } from '../l10n';

@customElement('kpi-cards')
export class KpiCards extends LitElement {
  static override styles = [cardStyles, css`
    :host { display: block; }
    .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 10px; }
    .card { display: flex; flex-direction: column; gap: 4px; }
    .label { color: var(--vscode-descriptionForeground); font-size: 0.92em; text-transform: uppercase; letter-spacing: 0.04em; }
    .value { font-size: 1.9em; font-weight: 600; line-height: 1.15; font-variant-numeric: tabular-nums; }
    .detail { color: var(--vscode-descriptionForeground); font-size: 0.92em; font-variant-numeric: tabular-nums; }
    .delta { font-size: 0.92em; font-variant-numeric: tabular-nums; }
    .delta.up { color: var(--vscode-charts-orange); }
    .delta.down { color: var(--vscode-charts-green); }
    .delta.flat { color: var(--vscode-descriptionForeground); }
    .proj { font-size: 0.92em; }
    .warn { color: var(--vscode-editorWarning-foreground); font-size: 0.92em; }
    .split { display: flex; gap: 10px; align-items: baseline; }
    .split .value { font-size: 1.5em; }
    .meter { display: flex; height: 6px; border-radius: 3px; overflow: hidden; background: var(--vscode-input-background); margin-top: 4px; }
    .meter .main { background: var(--vscode-charts-blue); }
    .meter .sub { background: var(--vscode-charts-purple); }
    .key { display: inline-block; width: 8px; height: 8px; border-radius: 2px; margin-right: 4px; }
    .key.main { background: var(--vscode-charts-blue); }
    .key.sub { background: var(--vscode-charts-purple); }
    .key.cloud { background: var(--vscode-charts-blue); }
    .key.local { background: var(--vscode-charts-green); }
    .value.good { color: var(--vscode-charts-green); }
    .value.meh { color: var(--vscode-charts-yellow); }
    .value.bad { color: var(--vscode-charts-red); }
    .warn-text { color: var(--vscode-editorWarning-foreground); }
    .stats strong { color: var(--vscode-foreground); font-weight: 600; }
  `];

  @property({ attribute: false }) model!: PanelReadModel;

  private delta(k: Kpi) {
    // The stretch compared with has the same elapsed length ("Dec 1–3 vs Nov 1–3"), and says so.
    const p = this.model.window.previous;
    if (k.previous === null || p === null) return html`<span class="delta flat">${t('no earlier window')}</span>`;
    const title = t('{0} compared with {1} (the same elapsed length)', p.currentLabel, p.label);
    if (k.deltaPct === null) return html`<span class="delta flat" title=${title}>${k.value > 0 ? t('new vs {0}', p.label) : t('same vs {0}', p.label)}</span>`;
    const dir = k.deltaPct > 0 ? 'up' : k.deltaPct < 0 ? 'down' : 'flat';
    const arrow = dir === 'up' ? '▲' : dir === 'down' ? '▼' : '●';
    return html`<span class=${`delta ${dir}`} title=${title}>${arrow} ${t('{0} vs {1}', pct(Math.abs(k.deltaPct)), p.label)}</span>`;
  }

  private projection(k: Kpi, fmt: (v: number) => string) {
    return k.projectedMonth === null ? nothing : html`<span class="proj">${t('Projected / month:')} <strong>${fmt(k.projectedMonth)}</strong></span>`;
  }

  private callsCard(m: PanelReadModel) {
    const c = m.calls!;
    const failed = c.outcomeCalls - c.successes;
    const rateClass = c.successPct === null ? '' : c.successPct < 90 ? 'bad' : c.successPct < 98 ? 'meh' : 'good';
    return html`<section class="card kpi-calls" aria-label=${t('API call success')}>
      <span class="label">${t('API call success')}</span>
      ${c.successPct !== null
        ? html`<span class=${`value ${rateClass}`} title=${t('{0} of {1} calls succeeded', full(c.successes), full(c.outcomeCalls))}>${pct(c.successPct)}</span>
          <span class="detail">${failed > 0 ? html`<span class="warn-text">${t('{0} failed', full(failed))}</span> ${t('of {0} calls', full(c.outcomeCalls))}` : t('all {0} calls succeeded', full(c.outcomeCalls))}</span>`
        : html`<span class="value">${c.avgDurationMs === null ? '—' : duration(c.avgDurationMs)}</span><span class="detail">${t('success not logged')}</span>`}
      <span class="detail stats">
        ${c.avgDurationMs !== null ? html`<span title=${t('Mean over {0} timed calls', full(c.timedCalls))}>${t('avg latency')} <strong>${duration(c.avgDurationMs)}</strong></span>` : nothing}
        ${c.tokensPerSecond !== null ? html` · <span title=${t('Output tokens of timed calls per second of their duration')}><strong>${compact(c.tokensPerSecond)}</strong> ${t('tokens/s')}</span>` : nothing}
      </span>
    </section>`;
  }

  override render() {
    const m = this.model;
    const k = m.kpis;
    const b = k.buckets;
    const subPct = k.subagentTokenPct;
    return html`<div class="grid">
      <section class="card kpi-requests" aria-label=${t('Requests')}>
        <span class="label">${t('Requests')}</span>
        <span class="value" title=${full(k.requests.value)}>${full(k.requests.value)}</span>
        <span class="detail">${t('~{0} per day', compact(Math.round(k.requestsPerDay)))}</span>
        ${m.sources.internalAvailable ? html`<span class="detail exec-split" title=${t('Cloud calls · calls to models on your own machine')}>
          <span class="key cloud"></span>${t('cloud {0}', full(k.cloud.requests))} · <span class="key local"></span>${t('local')}
          ${m.freeCalls.hidden && m.freeCalls.requests > 0 ? html`<span title=${t('Local calls cost nothing by design: the Cost view leaves them out')}>${t('{0} hidden', full(m.freeCalls.requests))}</span>` : full(k.local.requests)}</span>` : nothing}
        ${this.delta(k.requests)} ${this.projection(k.requests, (v) => full(Math.round(v)))}
      </section>
      <section class="card kpi-tokens" aria-label=${t('Total tokens')}>
        <span class="label">${t('Total tokens')}</span>
        <span class="value" title=${full(k.totalTokens.value)}>${compact(k.totalTokens.value)}</span>
        <span class="detail" title=${t('input · output · cache write · cache read')}>${t('in {0} · out {1} · cache write {2} · cache read {3}', compact(b.input_tokens), compact(b.output_tokens), compact(b.cache_creation_tokens), compact(b.cache_read_tokens))}</span>
        ${this.delta(k.totalTokens)} ${this.projection(k.totalTokens, compact)}
      </section>
      <section class="card kpi-cost" aria-label=${t('Estimated cost')}>
        <span class="label">${t('Estimated cost')}</span>
        <span class="value">${usd(k.cost.value)}</span>
        <span class="detail">${k.costPerRequest === null ? t('no requests') : t('~{0} per request', usdPrecise(k.costPerRequest))}</span>
        ${this.delta(k.cost)} ${this.projection(k.cost, usd)}
        ${k.unpricedRequests > 0 ? html`<span class="warn" title=${t('Add a price for these models in the claudeCosts.priceOverrides setting')}>⚠ ${k.unpricedRequests === 1 ? t('1 request without a price') : t('{0} requests without a price', full(k.unpricedRequests))}</span>` : nothing}
      </section>
      ${m.calls ? this.callsCard(m) : nothing}
      ${m.filter.source === 'internal' ? nothing : html`<section class="card kpi-split" aria-label=${t('Main agent and subagents')}>
        <span class="label">${t('Main agent · subagents')}</span>
        <div class="split">
          <span class="value" title=${t('{0} tokens', full(k.main.total_tokens))}>${compact(k.main.total_tokens)}</span>
          <span class="muted">·</span>
          <span class="value" title=${t('{0} tokens', full(k.subagent.total_tokens))}>${compact(k.subagent.total_tokens)}</span>
        </div>
        <div class="meter" role="img" aria-label=${t('Subagents: {0} of tokens', pct(subPct))}>
          <div class="main"></div><div class="sub"></div>
        </div>
        <span class="detail"><span class="key main"></span>${usd(k.main.cost_usd)} · <span class="key sub"></span>${usd(k.subagent.cost_usd)} ${t('({0} of tokens by subagents)', pct(subPct))}</span>
      </section>`}
    </div>`;
  }

  protected override updated(): void {
    // Widths go through CSSOM: the CSP blocks inline style attributes.
    const main = this.renderRoot.querySelector<HTMLElement>('.meter .main');
    const sub = this.renderRoot.querySelector<HTMLElement>('.meter .sub');
    const subPct = this.model.kpis.subagentTokenPct;
    if (main && sub) {
      main.style.width = `${this.model.kpis.totalTokens.value > 0 ? 100 - subPct : 0}%`;
      sub.style.width = `${subPct}%`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap { 'kpi-cards': KpiCards }
}

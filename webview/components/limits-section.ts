// The Limits section: plan value, the 5-hour blocks of the range as a keyboard-navigable timeline (limit
// hits marked, gaps shown, the active block highlighted with its reset), the official 5-hour and weekly
// windows with provenance and age, the local rolling 7 days, and what prompt caching saved per model.
// Every figure comes computed in the read model; this file only lays it out.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { LimitsSection, OfficialWindow, PanelReadModel, TimelineBlock } from '../../src/protocol';
import { ago, compact, dateTime, duration, full, pct, shortModel, timeLabel, usd } from '../format';
import { cardStyles } from './styles';
import { t, tHtml } from '../l10n';

/** The core's names of windows and sources (English data) in the user's language; unknown ones as sent. */
function windowName(id: string, label: string): string {
  const names: Record<string, string> = {
    five_hour: t('5-hour'), seven_day: t('Weekly (all models)'), seven_day_opus: t('Weekly Opus'), seven_day_sonnet: t('Weekly Sonnet'),
    seven_day_oauth_apps: t('Weekly (OAuth apps)'),
  };
  return names[id] ?? label;
}

function sourceName(source: string): string {
  const names: Record<string, string> = {
    'Claude Code statusline': t('Claude Code statusline'), 'OAuth usage endpoint': t('OAuth usage endpoint'),
    'limit message in a transcript': t('limit message in a transcript'), 'local block (first request + 5 h)': t('local block (first request + 5 h)'),
  };
  return names[source] ?? source;
}

/** "3 h 55 min" for a countdown. */
function countdown(ms: number): string {
  const min = Math.max(0, Math.round(ms / 60_000));
  const h = Math.floor(min / 60);
  return h > 0 ? `${h} h ${min % 60} min` : `${min} min`;
}

function ratioText(r: number): string {
  return r >= 10 ? `${Math.round(r)}×` : `${r.toFixed(1)}×`;
}

@customElement('limits-section')
export class LimitsSectionView extends LitElement {
  static override styles = [cardStyles, css`
    :host { display: block; }
    .stack { display: grid; gap: 12px; }
    .value { font-size: 1.08em; margin: 0; }
    .value .big { font-size: 1.25em; font-weight: 600; }
    .active-line { display: flex; gap: 8px; flex-wrap: wrap; align-items: baseline; }
    .badge { border-radius: 3px; padding: 0 6px; font-size: 0.85em; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
    .timeline { display: flex; align-items: flex-end; gap: 2px; height: 120px; padding: 14px 2px 0; overflow-x: auto;
      border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); }
    .block { position: relative; flex: 1 0 10px; max-width: 40px; height: 100%; display: flex; align-items: flex-end; cursor: default;
      background: none; border: none; padding: 0; }
    .block .bar { width: 100%; min-height: 2px; background: var(--vscode-charts-blue); border-radius: 2px 2px 0 0; opacity: 0.85; }
    .block.active .bar { background: var(--vscode-charts-orange); opacity: 1; }
    .block.active { outline: 1px dashed var(--vscode-charts-orange); outline-offset: 1px; }
    .block.hit .bar { background: var(--vscode-charts-red); }
    .block .mark { position: absolute; top: -13px; left: 50%; transform: translateX(-50%); color: var(--vscode-charts-red); font-size: 10px; line-height: 1; }
    .gap { flex: 0 0 6px; height: 100%; align-self: stretch;
      background: repeating-linear-gradient(135deg, transparent 0 3px, var(--vscode-widget-border, var(--vscode-panel-border)) 3px 4px); opacity: 0.7; }
    .block:focus-visible { outline: 2px solid var(--vscode-focusBorder); outline-offset: 1px; }
    .axis { display: flex; justify-content: space-between; font-size: 0.85em; }
    .detail { min-height: 1.4em; font-variant-numeric: tabular-nums; }
    .windows { display: grid; gap: 8px; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); }
    .window { border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); border-radius: 4px; padding: 8px 10px; }
    .window.stale { opacity: 0.65; }
    .window .top { display: flex; justify-content: space-between; gap: 6px; }
    .track { height: 6px; border-radius: 3px; background: var(--vscode-input-background, var(--vscode-editorWidget-background)); margin: 6px 0 4px;
      overflow: hidden; border: 1px solid var(--vscode-widget-border, transparent); }
    .fill { height: 100%; background: var(--vscode-charts-green); }
    .fill.warn { background: var(--vscode-charts-yellow); }
    .fill.over { background: var(--vscode-charts-red); }
    .prov { font-size: 0.85em; }
    .local-tag { font-size: 0.8em; text-transform: uppercase; letter-spacing: 0.04em; border: 1px solid currentColor; border-radius: 3px; padding: 0 4px; }
    ul.hits { margin: 0; padding-left: 18px; }
    ul.hits li { margin: 2px 0; overflow-wrap: anywhere; }
    table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
    th, td { padding: 3px 6px; border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); }
    th { text-align: left; font-weight: 600; color: var(--vscode-descriptionForeground); }
    td.num, th.num { text-align: right; }
    .scroll { overflow-x: auto; }
    h4 { margin: 0 0 4px; font-size: 0.95em; font-weight: 600; }
  `];

  @property({ attribute: false }) model!: PanelReadModel;
  /** Index of the block the timeline's keyboard focus is on. */
  @state() private focusIndex = -1;

  private get limits(): LimitsSection {
    return this.model.limits;
  }

  private renderValue() {
    const v = this.limits.planValue;
    const usage = tHtml('{0} of API usage in {1}', html`<span class="big">${usd(v.api_equivalent_usd)}</span>`, v.month);
    if (v.plan === 'api') return html`<p class="value plan-value">${tHtml('API billing: {0}.', usage)}</p>`;
    if (v.plan_label && v.plan_price_usd !== null && v.value_ratio !== null) {
      return html`<p class="value plan-value">${tHtml('{0}: {1}, {2} its {3} price', html`<strong>${v.plan_label}</strong>`, usage,
        html`<span class="big">${ratioText(v.value_ratio)}</span>`, usd(v.plan_price_usd))}
        <span class="muted">(${v.plan_source === 'detected' ? t('plan detected from Claude Code\'s login') : t('plan from settings')})</span>.</p>`;
    }
    return html`<p class="value plan-value">${usage}. <span class="muted">${tHtml('Set {0} (and {1}) to compare it with your plan\'s price.',
      html`<code>claudeCosts.plan</code>`, html`<code>claudeCosts.planPrices</code>`)}</span></p>`;
  }

  private blockLabel(b: TimelineBlock): string {
    const tz = this.model.window.tz;
    if (b.isGap) return t('Idle {0} – {1} ({2})', dateTime(b.startMs, tz), dateTime(b.endMs, tz), duration(b.endMs - b.startMs));
    const hits = b.limitHits === 0 ? '' : b.limitHits === 1 ? t(', 1 limit hit') : t(', {0} limit hits', b.limitHits);
    const span = `${dateTime(b.startMs, tz)} – ${timeLabel(b.endMs, tz)}`;
    const requests = b.requests === 1 ? t('1 request') : t('{0} requests', full(b.requests));
    const figures = t('{0} tokens ({1} input+output), {2}, {3}', compact(b.totalTokens), compact(b.limitTokens), usd(b.costUsd), requests);
    return `${b.active ? t('Active block {0}:', span) : t('Block {0}:', span)} ${figures}${hits}`;
  }

  private onTimelineKey(e: KeyboardEvent, blocks: TimelineBlock[]): void {
    const real = blocks.map((b, i) => (b.isGap ? -1 : i)).filter((i) => i >= 0);
    if (real.length === 0) return;
    const at = real.indexOf(this.focusIndex);
    let next: number;
    if (e.key === 'ArrowRight') next = Math.min(real.length - 1, at + 1);
    else if (e.key === 'ArrowLeft') next = Math.max(0, at - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = real.length - 1;
    else return;
    e.preventDefault();
    this.focusIndex = real[next];
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`.block[data-i="${this.focusIndex}"]`)?.focus());
  }

  private renderTimeline() {
    const line = this.limits.timeline;
    const tz = this.model.window.tz;
    const blocks = line.blocks;
    const real = blocks.filter((b) => !b.isGap);
    if (real.length === 0) return html`<p class="muted empty-blocks">${t('No Claude Code requests in this range: no 5-hour blocks.')}</p>`;
    // Roving tabindex: one tab stop, arrows move between blocks; default on the active (else the last) block.
    if (this.focusIndex < 0 || !blocks[this.focusIndex] || blocks[this.focusIndex].isGap) {
      const activeIdx = blocks.findIndex((b) => b.active);
      this.focusIndex = activeIdx >= 0 ? activeIdx : blocks.lastIndexOf(real[real.length - 1]);
    }
    const max = Math.max(1, line.maxLimitTokens);
    const focused = blocks[this.focusIndex];
    return html`
      <div class="timeline" role="listbox" aria-label=${t('5-hour blocks, oldest first')} @keydown=${(e: KeyboardEvent) => this.onTimelineKey(e, blocks)}>
        ${blocks.map((b, i) => b.isGap
          ? html`<div class="gap" role="presentation" title=${this.blockLabel(b)}></div>`
          : html`<button type="button" role="option" class=${`block${b.active ? ' active' : ''}${b.limitHits ? ' hit' : ''}`} data-i=${i}
              tabindex=${i === this.focusIndex ? 0 : -1} aria-selected=${i === this.focusIndex ? 'true' : 'false'}
              aria-label=${this.blockLabel(b)} title=${this.blockLabel(b)}
              @click=${() => { this.focusIndex = i; }} @focus=${() => { this.focusIndex = i; }}>
              ${b.limitHits ? html`<span class="mark" aria-hidden="true">▲</span>` : nothing}
              <span class="bar" data-h=${Math.max(2, Math.round((b.limitTokens / max) * 100))}></span>
            </button>`)}
      </div>
      <div class="axis muted"><span>${dateTime(line.startMs, tz)}</span><span>${t('bar height: input+output tokens · ▲ limit hit · hatched: idle')}</span><span>${dateTime(line.endMs, tz)}</span></div>
      <div class="detail" aria-live="polite">${focused && !focused.isGap ? this.blockLabel(focused) : ''}</div>
      ${line.clipped ? html`<p class="muted clipped">${t('The timeline shows the last 31 days of the range.')}</p>` : nothing}`;
  }

  private renderWindow(w: OfficialWindow) {
    const used = w.usedPct;
    const level = used === null ? '' : used >= 95 ? 'over' : used >= 80 ? 'warn' : '';
    const reset = w.resetsAtMs !== null ? ` · ${t('resets {0}', dateTime(w.resetsAtMs, this.model.window.tz))}` : '';
    const name = windowName(w.id, w.label);
    return html`<div class=${`window official${w.stale ? ' stale' : ''}`} data-window=${w.id}>
      <div class="top"><strong>${name}</strong><span>${used === null ? t('unknown') : t('{0} used', pct(used, 0))}</span></div>
      <div class="track" role="progressbar" aria-label=${t('{0} window', name)} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.min(100, Math.round(used ?? 0))}>
        <div class=${`fill ${level}`} data-w=${Math.min(100, used ?? 0)}></div></div>
      <div class="prov muted">${t('official')} · ${sourceName(w.source)} · ${ago(w.observedAtMs, this.limits.nowMs)}${w.stale ? ` ${t('(stale)')}` : ''}${reset}</div>
    </div>`;
  }

  private renderWindows() {
    const l = this.limits;
    const week = l.localWeek;
    const officials = [...(l.fiveHour ? [l.fiveHour] : []), ...l.weekly];
    return html`<div class="windows">
      ${officials.map((w) => this.renderWindow(w))}
      <div class="window local" data-window="local-7d">
        <div class="top"><strong>${t('Last 7 days')}</strong><span class="local-tag" title=${t('Computed from your transcripts, not an official figure')}>${t('local')}</span></div>
        <div>${t('{0} tokens · {1} input+output · {2}', compact(week.totalTokens), compact(week.limitTokens), usd(week.costUsd))}</div>
        <div class="prov muted">${week.limitHits === 1 ? t('{0} requests, 1 limit hit', full(week.requests)) : t('{0} requests, {1} limit hits', full(week.requests), week.limitHits)}
          · ${t('rolling, from your transcripts')}${l.weekly.length === 0
          ? ` · ${t('no official weekly figure: install the statusline capture or turn on the usage endpoint')}` : ''}</div>
      </div>
    </div>`;
  }

  private renderHits() {
    const hits = this.limits.limitHits;
    if (hits.length === 0) return nothing;
    const tz = this.model.window.tz;
    return html`<div class="hits-list"><h4>${t('Limit hits in this range')}</h4><ul class="hits">
      ${hits.slice(-10).reverse().map((h) => html`<li><strong>${windowName(h.limitType, h.label)}</strong> ${dateTime(h.timestampMs, tz)}${h.resetsAtMs !== null
        ? html` <span class="muted">· ${t('reset {0}', dateTime(h.resetsAtMs, tz))}</span>` : nothing}<br><span class="muted">${h.text}</span></li>`)}
    </ul></div>`;
  }

  private renderCache() {
    const c = this.limits.cache;
    if (c.totals.cacheReadTokens === 0 && c.totals.cacheWriteTokens === 0) return html`<p class="muted">${t('No prompt caching in this range.')}</p>`;
    const net = c.totals.cache_savings_usd - c.totals.cache_write_premium_usd;
    return html`<div class="cache">
      <h4>${t('Prompt caching (this range, this filter)')}</h4>
      <p class="cache-summary">${tHtml('Cache reads saved {0} against the input price; cache writes cost {1} above it: net {2}.',
        html`<strong>${usd(c.totals.cache_savings_usd)}</strong>`, html`<strong>${usd(c.totals.cache_write_premium_usd)}</strong>`, html`<strong>${usd(net)}</strong>`)}</p>
      <div class="scroll"><table class="cache-table">
        <thead><tr><th scope="col">${t('Model')}</th><th scope="col" class="num">${t('Reads')}</th><th scope="col" class="num">${t('Writes 5m')}</th><th scope="col" class="num">${t('Writes 1h')}</th>
          <th scope="col" class="num">${t('Saved')}</th><th scope="col" class="num">${t('Write premium')}</th></tr></thead>
        <tbody>${c.byModel.map((r) => html`<tr><td title=${r.model}>${shortModel(r.model)}</td><td class="num">${compact(r.cacheReadTokens)}</td>
          <td class="num">${compact(r.cacheWrite5mTokens)}</td><td class="num">${compact(r.cacheWrite1hTokens)}</td>
          <td class="num">${usd(r.cache_savings_usd)}</td><td class="num">${usd(r.cache_write_premium_usd)}</td></tr>`)}</tbody>
      </table></div>
    </div>`;
  }

  override render() {
    const l = this.limits;
    const tz = this.model.window.tz;
    return html`<section class="card limits" aria-labelledby="limits-title">
      <header class="card-head"><h3 id="limits-title">${t('Limits and value')}</h3><span class="sub">${t('5-hour blocks and weekly windows · Claude Code, all projects')}</span></header>
      <div class="stack">
        ${this.renderValue()}
        ${l.active ? html`<div class="active-line" role="status"><span class="badge">${t('active')}</span>
          <span>${t('5-hour block {0} → {1}:', timeLabel(l.active.startMs, tz), timeLabel(l.active.resetsAtMs, tz))}
          ${tHtml('resets in {0}', html`<strong class="countdown">${countdown(l.active.resetInMs)}</strong>`)}</span><span class="muted">(${sourceName(l.active.resetSource)})</span></div>` : nothing}
        ${this.renderTimeline()}
        ${this.renderWindows()}
        ${this.renderHits()}
        ${this.renderCache()}
      </div>
    </section>`;
  }

  protected override updated(): void {
    for (const el of this.renderRoot.querySelectorAll<HTMLElement>('.bar')) el.style.height = `${el.dataset.h}%`;
    for (const el of this.renderRoot.querySelectorAll<HTMLElement>('.fill')) el.style.width = `${el.dataset.w}%`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'limits-section': LimitsSectionView }
}

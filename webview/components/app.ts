// <costs-app>: owns the filter state and the protocol; renders whatever read model the host sends.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { HostToWebview, PanelFilter, PanelReadModel, PanelView, SeriesInterval, SettingsTarget } from '../../src/protocol';
import { DEFAULT_PANEL_FILTER, parsePanelFilter } from '../../src/protocol';
import type { DrillStep, DrillTarget } from '../drill';
import { drillBack, drillDown, isNoOp, restoreTrail } from '../drill';
import type { ChartClickDetail } from '../charts/chart-card';
import { onHostMessage, saveState, savedState, send } from '../vscode';
import { RANGE_LABELS, ago, compact, dateTime, dayFull, duration, full, pct, shortModel, timeLabel, usd } from '../format';
import * as charts from '../charts/configs';
import type { ChartBuilder } from '../charts/chart-card';
import type { Column } from './data-table';
import { baseStyles, cardStyles } from './styles';
import type { BranchRow, CallFigures, FeatureRow, HourSlot, ModelRow, ProjectRow, ProviderRow, SessionRow, ToolRow } from '../../src/protocol';
import '../charts/chart-card';
import './toolbar';
import './kpi-cards';
import './heatmap';
import './budgets';
import './limits-section';
import './data-table';
import { t, tHtml } from '../l10n';

const INTERVAL_LABELS: Record<SeriesInterval, string> = { '5m': '5 min', '15m': '15 min', '1h': '1 h' };

@customElement('costs-app')
export class CostsApp extends LitElement {
  static override styles = [baseStyles, cardStyles, css`
    :host { display: block; padding: 14px 20px 28px; max-width: 1500px; margin: 0 auto; }
    .progress { position: sticky; top: 0; z-index: 5; height: 2px; margin: 0 -20px; }
    .head { display: flex; align-items: baseline; gap: 10px; flex-wrap: wrap; margin: 14px 0 10px; }
    .head h2 { font-size: 1.25em; }
    .head .when { color: var(--vscode-descriptionForeground); }
    .head .updated { margin-left: auto; color: var(--vscode-descriptionForeground); font-size: 0.92em; }
    .insight { margin: 0 0 12px; padding: 6px 10px; border-left: 3px solid var(--vscode-textLink-foreground); background: var(--vscode-textBlockQuote-background); }
    .insight strong { font-weight: 600; }
    .insight.unusual { border-left-color: var(--vscode-charts-red); display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
    .banner { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; padding: 8px 12px; margin: 10px 0; border-radius: 3px; border: 1px solid; }
    .banner.error { border-color: var(--vscode-inputValidation-errorBorder); background: var(--vscode-inputValidation-errorBackground); }
    .banner.info { border-color: var(--vscode-inputValidation-infoBorder); background: var(--vscode-inputValidation-infoBackground); }
    .banner.warn { border-color: var(--vscode-inputValidation-warningBorder); background: var(--vscode-inputValidation-warningBackground); }
    .banner .grow { flex: 1; }
    .grid { display: grid; gap: 12px; margin-top: 12px; }
    /* Two tables side by side only when each gets room for its names and figures (else one above the other). */
    .two { grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); }
    .three { grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); }
    section.table-card h3 { margin-bottom: 8px; }
    .seg { display: inline-flex; border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); border-radius: 3px; overflow: hidden; }
    .seg button { font: inherit; font-size: 0.92em; border: none; padding: 1px 9px; cursor: pointer; background: transparent; color: var(--vscode-foreground); }
    .seg button[aria-pressed='true'] { background: var(--vscode-button-background); color: var(--vscode-button-foreground); font-weight: 600; box-shadow: inset 0 -2px 0 var(--vscode-contrastActiveBorder, transparent); }
    .seg button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
    .empty { text-align: center; padding: 48px 20px; max-width: 640px; margin: 24px auto; }
    .empty h2 { margin: 12px 0 8px; font-size: 1.3em; }
    .empty p { color: var(--vscode-descriptionForeground); line-height: 1.5; }
    .empty ul { list-style: none; padding: 0; margin: 8px 0 16px; }
    .empty code, code { font-family: var(--vscode-editor-font-family); font-size: 0.95em; background: var(--vscode-textCodeBlock-background); padding: 1px 4px; border-radius: 3px; }
    .empty .actions { display: flex; gap: 14px; justify-content: center; align-items: center; margin-top: 14px; }
    .loading { display: flex; flex-direction: column; align-items: center; gap: 12px; padding: 80px 0; color: var(--vscode-descriptionForeground); }
    .dim { opacity: 0.65; transition: opacity 0.15s; }
    .free-note { margin: 0 0 12px; padding: 5px 10px; border-left: 3px solid var(--vscode-charts-green); background: var(--vscode-textBlockQuote-background); color: var(--vscode-descriptionForeground); }
    .free-note strong { color: var(--vscode-foreground); font-weight: 600; }
    .free-note button.link { margin-left: 6px; }
    .section-title { display: flex; align-items: baseline; gap: 10px; margin: 22px 0 0; }
    .section-title h2 { font-size: 1.1em; }
    .section-title .sub { color: var(--vscode-descriptionForeground); }
    .sr-table { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  `];

  @state() private filter: PanelFilter;
  @state() private model: PanelReadModel | null = null;
  @state() private busy = true;
  @state() private error: string | null = null;
  @state() private notice: string | null = null;
  /** The drill-down Back stack (oldest first): each step keeps the whole filter it left. */
  @state() private trail: DrillStep[] = [];
  /** Ids of this page's requests count from 1 (the host starts its pairing over on `ready`). */
  private lastSent = 0;
  private noticeTimer: number | undefined;
  private builders = new WeakMap<PanelReadModel, Map<string, ChartBuilder>>();

  constructor() {
    super();
    const saved = savedState();
    const restored = parsePanelFilter(saved?.filter);
    this.filter = 'error' in restored ? { ...DEFAULT_PANEL_FILTER } : restored;
    this.trail = restoreTrail(saved?.trail, (f) => { const p = parsePanelFilter(f); return 'error' in p ? null : p; });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    onHostMessage((m) => this.onMessage(m));
    // Alt+Left is Back, as in a browser (the focused chart leaves Alt+arrows alone for this).
    window.addEventListener('keydown', (e) => {
      if (e.altKey && e.key === 'ArrowLeft' && !e.ctrlKey && !e.metaKey && !e.shiftKey && this.trail.length > 0) {
        e.preventDefault();
        this.back();
      }
    });
    send({ type: 'ready' });
  }

  private save(): void {
    saveState({ filter: this.filter, trail: this.trail });
  }

  /** One drill-down step: the filter narrows, the filter it left goes on the Back stack. */
  private drill(target: DrillTarget): void {
    if (isNoOp(this.filter, target)) return;
    const next = drillDown(this.trail, this.filter, target);
    this.trail = next.trail;
    this.filter = next.filter;
    this.save();
    this.request('setFilter');
  }

  private back(): void {
    const prev = drillBack(this.trail);
    if (!prev) return;
    this.trail = prev.trail;
    this.filter = prev.filter;
    this.save();
    this.request('setFilter');
  }

  private drillModelSlice(index: number): void {
    const model = this.model && charts.visibleSlices(this.model, this.filter.view)[index]?.model;
    if (model) this.drill({ kind: 'model', model });
  }

  private drillDay(index: number): void {
    const day = this.model?.daily[index]?.day;
    if (day) this.drill({ kind: 'day', day });
  }

  private onMessage(msg: HostToWebview): void {
    // An answer echoes the newest request it covers (null: none of this page's). One older than the
    // last request sent answers a filter that is gone: the newer answer follows, keep waiting for it.
    const stale = (id: number | null) => (id ?? 0) < this.lastSent;
    switch (msg.type) {
      case 'loading':
        if (!stale(msg.requestId)) this.busy = true;
        return;
      case 'readModel':
        if (stale(msg.requestId)) return;
        this.model = msg.model;
        this.filter = msg.model.filter;
        this.save();
        this.error = null;
        this.busy = false;
        return;
      case 'error':
        if (stale(msg.requestId)) return;
        this.error = msg.message;
        this.busy = false;
        return;
      case 'notice':
        this.notice = msg.message;
        window.clearTimeout(this.noticeTimer);
        this.noticeTimer = window.setTimeout(() => { this.notice = null; }, 5000);
        return;
    }
  }

  private request(kind: 'setFilter' | 'refresh'): void {
    const requestId = ++this.lastSent;
    this.busy = true;
    if (kind === 'setFilter') send({ type: 'setFilter', requestId, filter: this.filter });
    else send({ type: 'refresh', requestId });
  }

  private applyFilter(partial: Partial<PanelFilter>): void {
    this.filter = { ...this.filter, ...partial };
    this.save();
    this.request('setFilter');
  }

  private resetFilters(): void {
    this.applyFilter({ project: null, models: null, provider: null, branch: null, session: null, slot: null, source: 'all' });
  }

  /** A Branches row clicked: the page shows only that project's branch, one step on the Back stack. */
  filterToBranch(row: Pick<BranchRow, 'project' | 'branch'>): void {
    this.drill({ kind: 'branch', project: row.project, branch: row.branch });
  }

  private openSettings(target: SettingsTarget): void {
    send({ type: 'openSettings', target });
  }

  private chart(key: string, make: () => ChartBuilder): ChartBuilder {
    const m = this.model!;
    let cache = this.builders.get(m);
    if (!cache) this.builders.set(m, (cache = new Map()));
    let b = cache.get(key);
    if (!b) cache.set(key, (b = make()));
    return b;
  }

  override render() {
    const m = this.model;
    return html`
      <costs-toolbar .filter=${this.filter} .model=${m} ?busy=${this.busy} .trail=${this.trail}
        @drill-back=${() => this.back()}
        @filter-change=${(e: CustomEvent<Partial<PanelFilter>>) => this.applyFilter(e.detail)}
        @models-change=${(e: CustomEvent<string[] | null>) => this.applyFilter({ models: e.detail })}
        @refresh=${() => this.request('refresh')}
        @export=${(e: CustomEvent<'csv' | 'json'>) => send({ type: 'export', format: e.detail })}
        @open-settings=${(e: CustomEvent<SettingsTarget>) => this.openSettings(e.detail)}></costs-toolbar>
      ${this.busy && m ? html`<vscode-progress-bar class="progress" indeterminate aria-label=${t('Loading')}></vscode-progress-bar>` : nothing}
      ${this.error ? html`<div class="banner error" role="alert"><span class="grow">${this.error}</span>
        <vscode-button class="retry" @click=${() => this.request('refresh')}>${t('Retry')}</vscode-button></div>` : nothing}
      ${this.notice ? html`<div class="banner info" role="status">${this.notice}</div>` : nothing}
      ${m?.history ? html`<div class="banner info history" role="status">${t('Still reading history: {0} of {1} files', full(m.history.filesRead), full(m.history.filesTotal))}</div>` : nothing}
      ${m?.demoMode ? html`<div class="banner warn" role="note">${t('Demo data: these figures come from a generated sample, not from your transcripts.')}</div>` : nothing}
      ${!m ? (this.error ? nothing : this.renderLoading()) : m.dataState === 'no_data' ? this.renderNoData(m) : this.renderDashboard(m)}`;
  }

  /**
   * Unusual spending of the range (judged by the core): the latest flagged day in one sentence, "Today:
   * $41.00, 6.2× your usual $6.60", with a button to drill into it, and how many more days were flagged.
   */
  private renderUnusual(m: PanelReadModel) {
    const days = m.anomalies.days;
    const last = days.at(-1);
    if (!last) return nothing;
    const when = last.day === m.spend.today.period ? t('Today') : dayFull(last.day);
    const isRange = m.daily.length === 1 && m.daily[0].day === last.day;
    return html`<p class="insight unusual" role="note">
      <vscode-icon name="warning" aria-hidden="true"></vscode-icon>
      <span><strong>${t('Unusual spending')}</strong> · ${t('{0}: {1}, {2}× your usual {3}', when, usd(last.cost_usd), last.ratio.toFixed(1), usd(last.baseline_usd))}${days.length === 2 ? html` · ${t('1 more unusual day in this range')}`
        : days.length > 2 ? html` · ${t('{0} more unusual days in this range', days.length - 1)}` : nothing}</span>
      ${isRange ? nothing : html`<button type="button" class="link show-unusual-day" @click=${() => this.drill({ kind: 'day', day: last.day })}>${t('Show this day')}</button>`}
    </p>`;
  }

  private renderLoading() {
    return html`<div class="loading" role="status"><vscode-progress-ring aria-label=${t('Loading')}></vscode-progress-ring>${t('Loading Claude Code costs…')}</div>`;
  }

  private renderNoData(m: PanelReadModel) {
    const roots = m.scanned.roots;
    return html`<section class="empty no-data" aria-labelledby="no-data-title">
      <vscode-icon name="graph" size="40"></vscode-icon>
      <h2 id="no-data-title">${t('No Claude Code usage found yet')}</h2>
      ${roots.length > 0
        ? html`<p>${m.scanned.files === null ? t('Scanned the transcript files in:') : m.scanned.files === 1 ? t('Scanned 1 transcript file in:') : t('Scanned {0} transcript files in:', full(m.scanned.files))}</p>
          <ul>${roots.map((r) => html`<li><code>${r}</code></li>`)}</ul>`
        : html`<p>${tHtml('No transcript folder was found. Claude Code writes its transcripts under {0} (or {1}).', html`<code>~/.claude/projects</code>`, html`<code>$CLAUDE_CONFIG_DIR/projects</code>`)}</p>`}
      <p>${t('Use Claude Code, then rescan — or point the extension at your transcript folders.')}</p>
      <div class="actions">
        <vscode-button class="rescan" icon="refresh" @click=${() => { this.busy = true; send({ type: 'rescan' }); }}>${t('Rescan')}</vscode-button>
        <button class="link open-roots" @click=${() => this.openSettings('roots')}>${t('Configure transcript folders…')}</button>
      </div>
    </section>`;
  }

  private renderDashboard(m: PanelReadModel) {
    const view = this.filter.view;
    const w = m.window;
    const lastDay = m.daily.at(-1)?.day;
    const when = m.daily.length > 1 ? `${m.daily[0].day} – ${lastDay}` : (m.daily[0]?.day ?? '');
    return html`<div class=${this.busy ? 'dim' : ''}>
      ${m.dataState === 'no_rows' ? html`<div class="banner info no-rows" role="status">
        <span class="grow">${m.freeCalls.hidden && m.freeCalls.requests > 0
          ? t('Only local/free calls match these filters in this range: the Cost view leaves them out.')
          : t('No requests match these filters in this range.')}</span>
        <vscode-button class="reset-filters" secondary @click=${() => this.resetFilters()}>${t('Reset filters')}</vscode-button></div>` : nothing}
      <div class="head">
        <h2>${w.label === 'custom' || this.filter.range === 'custom' ? t('Custom range') : RANGE_LABELS[this.filter.range] ?? w.label}</h2>
        <span class="when">${when} · ${w.tz}</span>
        <span class="updated" title=${m.generatedAt}>${t('updated {0}', timeLabel(m.nowMs, w.tz))}</span>
      </div>
      ${m.insight ? html`<p class="insight" role="note">${tHtml('{0} drives {1} of output tokens (this range).', html`<strong>${m.insight.subject}</strong>`, pct(m.insight.sharePct))}</p>` : nothing}
      ${this.renderUnusual(m)}
      ${m.freeCalls.hidden && m.freeCalls.requests > 0 ? html`<p class="free-note" role="note">${m.freeCalls.requests === 1
        ? tHtml('{0} local/free call hidden in the Cost view ({1} tokens that cost nothing by design).', html`<strong>1</strong>`, compact(m.freeCalls.total_tokens))
        : tHtml('{0} local/free calls hidden in the Cost view ({1} tokens that cost nothing by design).', html`<strong>${full(m.freeCalls.requests)}</strong>`, compact(m.freeCalls.total_tokens))}
        <button type="button" class="link show-usage" @click=${() => this.applyFilter({ view: 'usage' })}>${t('Show in the Usage view')}</button></p>` : nothing}
      <kpi-cards .model=${m}></kpi-cards>
      ${this.renderCharts(m, view)}
      ${m.sources.internalAvailable ? this.renderApiCalls(m, view) : nothing}
      ${w.shortRange && m.timeSeries ? this.renderTimeSeries(m, view) : nothing}
      <div class="grid three">
        <budget-bars .model=${m} @open-settings=${(e: CustomEvent<SettingsTarget>) => this.openSettings(e.detail)}></budget-bars>
      </div>
      <limits-section .model=${m}></limits-section>
      ${this.renderTables(m, view)}
    </div>`;
  }

  private renderCharts(m: PanelReadModel, view: PanelView) {
    const empty = m.totals.requests === 0;
    const total = m.totals;
    const daily = m.daily;
    const peak = m.dailyPeak.tokens;
    const slices = m.modelSlices.slice(0, 4).map((s) => `${s.model} ${pct(view === 'cost' ? s.costPct : s.tokenPct)}`).join(', ');
    return html`
      <div class="grid two">
        <chart-card class="chart-daily-tokens" zoomable drillable @chart-click=${(e: CustomEvent<ChartClickDetail>) => this.drillDay(e.detail.index)} heading=${t('Tokens per day')} subheading=${t('input · output · cache write · cache read')}
          ?empty=${empty} emptyText=${t('No tokens in this range.')}
          summary=${peak ? t('Tokens per day over {0} days: {1} in total, peak {2} on {3}.', daily.length, compact(total.total_tokens), compact(peak.value), peak.day)
            : t('Tokens per day over {0} days: {1} in total.', daily.length, compact(total.total_tokens))}
          .build=${this.chart('tokens', () => charts.dailyTokens(m))}>
          ${this.srTable(m)}
        </chart-card>
        <chart-card class="chart-daily-cost" zoomable drillable @chart-click=${(e: CustomEvent<ChartClickDetail>) => this.drillDay(e.detail.index)} heading=${t('Cost per day')} subheading=${t('with cumulative cost')}
          ?empty=${empty || total.cost_usd === 0} emptyText=${empty ? t('No cost in this range.') : t('No priced requests in this range.')}
          summary=${m.dailyPeak.cost ? t('Cost per day: {0} over {1} days, highest {2} on {3}.', usd(total.cost_usd), daily.length, usd(m.dailyPeak.cost.value), m.dailyPeak.cost.day)
            : t('Cost per day: {0} over {1} days.', usd(total.cost_usd), daily.length)}
          .build=${this.chart('cost', () => charts.dailyCost(m))}></chart-card>
      </div>
      <div class="grid three">
        ${m.hasSubagent ? html`<chart-card class="chart-split" zoomable drillable @chart-click=${(e: CustomEvent<ChartClickDetail>) => this.drillDay(e.detail.index)} heading=${t('Main agent vs subagents')} subheading=${view === 'cost' ? t('cost per day') : t('tokens per day')}
          summary=${t('Subagents: {0} of tokens.', pct(m.kpis.subagentTokenPct))}
          .build=${this.chart(`split-${view}`, () => charts.mainVsSubagent(m, view))}></chart-card>` : nothing}
        <chart-card class="chart-models" drillable @chart-click=${(e: CustomEvent<ChartClickDetail>) => this.drillModelSlice(e.detail.index)} heading=${t('Models')} subheading=${view === 'cost' ? t('share of cost') : t('share of tokens')}
          ?empty=${empty || (view === 'cost' && total.cost_usd === 0)} emptyText=${t('No model usage in this range.')}
          summary=${(view === 'cost' ? t('Models by cost: {0}.', slices) : t('Models by tokens: {0}.', slices))}
          .build=${this.chart(`models-${view}`, () => charts.modelDoughnut(m, view))}></chart-card>
        <activity-heatmap .model=${m} view=${view} .picked=${this.filter.slot ?? null}
          @slot-drill=${(e: CustomEvent<HourSlot>) => this.drill({ kind: 'slot', weekday: e.detail.weekday, hour: e.detail.hour })}></activity-heatmap>
      </div>`;
  }

  private srTable(m: PanelReadModel) {
    return html`<table class="sr-table"><caption>${t('Tokens and cost per day')}</caption>
      <thead><tr><th scope="col">${t('Day')}</th><th scope="col">${t('Tokens')}</th><th scope="col">${t('Cost')}</th><th scope="col">${t('Requests')}</th></tr></thead>
      <tbody>${m.daily.map((d) => html`<tr><th scope="row">${d.day}</th><td>${full(d.total_tokens)}</td><td>${usd(d.cost_usd)}</td><td>${d.requests}</td></tr>`)}</tbody></table>`;
  }

  private renderTimeSeries(m: PanelReadModel, view: PanelView) {
    const pts = m.timeSeries!.points;
    const busy = pts.filter((p) => p.requests > 0).length;
    return html`<div class="grid"><chart-card class="chart-series" short zoomable heading=${t('Activity over time')} subheading=${t('per {0}', INTERVAL_LABELS[m.timeSeries!.interval])}
      ?empty=${busy === 0} emptyText=${t('No requests in this range.')}
      summary=${t('{0} of {1} intervals had requests.', busy, pts.length)}
      .build=${this.chart(`series-${view}`, () => charts.timeSeries(m, view))}>
      <span class="seg" slot="actions" role="group" aria-label=${t('Interval')}>
        ${(['5m', '15m', '1h'] as const).map((i) => html`<button type="button" class=${`interval-${i}`} aria-pressed=${this.filter.interval === i ? 'true' : 'false'}
          @click=${() => this.applyFilter({ interval: i })}>${INTERVAL_LABELS[i]}</button>`)}
      </span>
    </chart-card></div>`;
  }

  /** API-log sections: by provider, by feature (bar-in-cell shares), and duration vs tokens. */
  private renderApiCalls(m: PanelReadModel, view: PanelView) {
    const tot = m.totals;
    const byCost = view === 'cost';
    const share = (r: { shareOfCost: number; shareOfTokens: number }) => (byCost ? r.shareOfCost : r.shareOfTokens);
    const rateClass = (v: number) => (v < 90 ? 'bad-rate' : v < 98 ? 'meh-rate' : 'ok-rate');
    const cols = <R extends ProviderRow | FeatureRow>(key: string, label: string, name: (r: R) => string): Column<R>[] => [
      { key, label, value: name, total: t('Total') },
      { key: 'requests', label: t('Calls'), numeric: true, value: (r) => r.requests, render: (r) => full(r.requests), total: full(tot.requests) },
      byCost
        ? { key: 'cost', label: t('Cost'), numeric: true, value: (r) => r.cost_usd, render: (r) => usd(r.cost_usd), total: usd(tot.cost_usd) }
        : { key: 'tokens', label: t('Tokens'), numeric: true, value: (r) => r.total_tokens, render: (r) => compact(r.total_tokens), title: (r) => `${full(r.total_tokens)} tokens · ${usd(r.cost_usd)}`, total: compact(tot.total_tokens) },
      { key: 'success', label: t('Success'), numeric: true, value: (r) => r.calls?.successPct ?? -1,
        render: (r) => (r.calls?.successPct == null ? '—' : html`<span class=${rateClass(r.calls.successPct)}>${pct(r.calls.successPct)}</span>`),
        title: (r) => (r.calls?.successPct == null ? t('no outcome logged') : t('{0} of {1} calls succeeded', full(r.calls.successes), full(r.calls.outcomeCalls))),
        total: m.calls?.successPct == null ? '' : pct(m.calls.successPct) },
      { key: 'latency', label: t('Latency'), numeric: true, value: (r) => r.calls?.avgDurationMs ?? -1,
        render: (r) => (r.calls?.avgDurationMs == null ? '—' : duration(r.calls.avgDurationMs)),
        title: (r) => (r.calls?.tokensPerSecond == null ? '' : t('{0} output tokens/s', compact(r.calls.tokensPerSecond))),
        total: m.calls?.avgDurationMs == null ? '' : duration(m.calls.avgDurationMs) },
      { key: 'share', label: t('Share'), numeric: true, value: share, render: (r) => pct(share(r)), bar: share, title: (r) => (byCost ? t('{0} of cost', pct(share(r))) : t('{0} of tokens', pct(share(r)))), total: pct(tot.requests > 0 ? 100 : 0, 0) },
    ];
    const sortKey = byCost ? 'cost' : 'tokens';
    const sc = m.scatter;
    const summary = (c: CallFigures | null) => (c?.successPct == null ? '' : t(', {0} succeeded', pct(c.successPct)));
    return html`
      <div class="section-title"><h2>${t('API calls')}</h2><span class="sub">${this.filter.source === 'internal' ? t('from your own call logs') : t('your own call logs beside Claude Code (Claude Code counts as provider anthropic, feature (none))')}</span></div>
      <div class="grid two">
        <section class="card table-card providers-table"><h3>${t('By provider')}</h3>
          <data-table caption=${t('Usage by provider')} .columns=${cols<ProviderRow>('provider', t('Provider'), (r) => r.provider)} .rows=${m.providers.rows}
            sortKey=${sortKey} pageSize="10" note=${omittedNote(m.providers.omitted)}></data-table>
        </section>
        <section class="card table-card features-table"><h3>${t('By feature')}</h3>
          <data-table caption=${t('Usage by feature')} .columns=${cols<FeatureRow>('feature', t('Feature'), (r) => r.feature)} .rows=${m.features.rows}
            sortKey=${sortKey} pageSize="10" note=${omittedNote(m.features.omitted)}></data-table>
        </section>
      </div>
      ${sc ? html`<div class="grid"><chart-card class="chart-scatter" tall heading=${t('Duration vs output tokens')}
          subheading=${sc.bucketed ? t('{0} timed calls, grouped into {1} cells (mean of each)', full(sc.calls), full(sc.points.length))
            : sc.calls === 1 ? t('1 timed call, one point each') : t('{0} timed calls, one point each', full(sc.calls))}
          summary=${t('Duration against output tokens for {0} timed API calls{1}; median {2}', full(sc.calls), summary(m.calls), sc.medianDurationMs === null ? t('unknown') : duration(sc.medianDurationMs))
            + (sc.slowest ? t(', slowest {0} for {1} output tokens', duration(sc.slowest.durationMs), compact(sc.slowest.tokens)) : '') + '.'}
          .build=${this.chart('scatter', () => charts.durationScatter(m))}></chart-card></div>` : nothing}`;
  }

  private renderTables(m: PanelReadModel, view: PanelView) {
    const tot = m.totals;
    const byCost = view === 'cost';
    const share = (r: { shareOfCost: number; shareOfTokens: number }) => (byCost ? r.shareOfCost : r.shareOfTokens);
    const num = <R>(key: string, label: string, get: (r: R) => number, total: number, fmt: (v: number) => string = compact): Column<R> =>
      ({ key, label, numeric: true, value: get, render: (r) => fmt(get(r)), title: (r) => full(get(r)), total: fmt(total) });
    const costCol = <R extends { cost_usd: number }>(): Column<R> => ({ key: 'cost', label: t('Cost'), numeric: true, value: (r) => r.cost_usd, render: (r) => usd(r.cost_usd), total: usd(tot.cost_usd) });
    const shareCol = <R extends { shareOfCost: number; shareOfTokens: number }>(): Column<R> =>
      ({ key: 'share', label: byCost ? t('Share of cost') : t('Share of tokens'), numeric: true, value: share, render: (r) => pct(share(r)), bar: share, total: pct(tot.requests > 0 ? 100 : 0, 0) });

    const modelCols: Column<ModelRow>[] = [
      { key: 'model', label: t('Model'), value: (r) => r.model, title: (r) => (r.unpriced ? t('{0}: no price known. Add one with the claudeCosts.priceOverrides setting.', r.model) : r.model),
        render: (r) => html`<span class=${`family ${r.family}`}></span>${r.model}${r.unpriced ? html`<span class="unpriced">⚠ ${t('no price')}</span>` : nothing}`, total: t('Total') },
      num('requests', t('Requests'), (r) => r.requests, tot.requests, full),
      num('input', t('Input'), (r) => r.input_tokens, tot.input_tokens),
      num('output', t('Output'), (r) => r.output_tokens, tot.output_tokens),
      num('cw', t('Cache write'), (r) => r.cache_creation_tokens, tot.cache_creation_tokens),
      num('cr', t('Cache read'), (r) => r.cache_read_tokens, tot.cache_read_tokens),
      num('tokens', t('Total tokens'), (r) => r.total_tokens, tot.total_tokens),
      costCol<ModelRow>(), shareCol<ModelRow>(),
    ];
    const projectCols: Column<ProjectRow>[] = [
      { key: 'project', label: t('Project'), value: (r) => r.project, total: t('Total') },
      num('requests', t('Requests'), (r) => r.requests, tot.requests, full),
      num('tokens', t('Tokens'), (r) => r.total_tokens, tot.total_tokens),
      costCol<ProjectRow>(), shareCol<ProjectRow>(),
    ];
    const branchCols: Column<BranchRow>[] = [
      { key: 'project', label: t('Project'), value: (r) => r.project, total: t('Total') },
      { key: 'branch', label: t('Branch'), value: (r) => (r.noBranch ? t('(no branch)') : r.branch), shrink: true },
      num('requests', t('Requests'), (r) => r.requests, tot.requests, full),
      num('tokens', t('Tokens'), (r) => r.total_tokens, tot.total_tokens),
      costCol<BranchRow>(), shareCol<BranchRow>(),
    ];
    const toolCols: Column<ToolRow>[] = [
      { key: 'tool', label: t('Tools used in the turn'), value: (r) => r.tool, total: t('Total') },
      num('requests', t('Requests'), (r) => r.requests, tot.requests, full),
      num('tokens', t('Tokens'), (r) => r.total_tokens, tot.total_tokens),
      costCol<ToolRow>(), shareCol<ToolRow>(),
    ];
    const when = (ms: number) => dateTime(ms, m.window.tz);
    const unusual = new Map(m.anomalies.sessions.map((a) => [a.session, a]));
    const unusualMark = (r: SessionRow) => {
      const a = unusual.get(r.sessionKey);
      return a ? html`<span class="unusual" title=${t('Unusual session: {0}, {1}× the usual {2}', usd(a.cost_usd), a.ratio.toFixed(1), usd(a.baseline_usd))}>▲ ${a.ratio.toFixed(1)}×</span>` : nothing;
    };
    const sessionCols: Column<SessionRow>[] = [
      { key: 'session', label: t('Session'), value: (r) => r.title ?? r.sessionKey, title: (r) => `${r.title ?? ''}${r.title ? ' — ' : ''}${r.sessionKey}${r.active ? ` ${t('(active)')}` : ''}`,
        render: (r) => html`${r.active ? html`<span class="dot" role="img" aria-label=${t('active')} title=${t('Active: a request in the last 10 minutes')}></span>` : html`<span class="dot idle" aria-hidden="true"></span>`}${r.title ?? r.sessionKey}${unusualMark(r)}`, total: t('Total') },
      { key: 'project', label: t('Project'), value: (r) => r.project, shrink: true },
      { key: 'models', label: t('Models'), value: (r) => r.models.join(', '), render: (r) => r.models.map(shortModel).join(', '), title: (r) => r.models.join(', '), shrink: true },
      { key: 'first', label: t('First'), value: (r) => r.firstMs, render: (r) => when(r.firstMs), title: (r) => (r.exactTimes ? '' : t('to the hour')) },
      { key: 'last', label: t('Last'), value: (r) => r.lastMs, render: (r) => (r.active ? ago(r.lastMs, m.nowMs) : when(r.lastMs)), title: (r) => (r.exactTimes ? '' : t('to the hour')) },
      { key: 'context', label: t('Context now · peak'), numeric: true, value: (r) => r.context?.peakPct ?? -1,
        render: (r) => (r.context ? `${r.context.currentPct === null ? t('compacted') : pct(r.context.currentPct, 0)} · ${pct(r.context.peakPct, 0)}` : '—'),
        title: (r) => contextTitle(r),
        bar: (r) => Math.min(100, r.context?.currentPct ?? 0) },
      num('requests', t('Requests'), (r) => r.requests, tot.requests, full),
      num('tokens', t('Tokens'), (r) => r.total_tokens, tot.total_tokens),
      costCol<SessionRow>(),
    ];
    const sortKey = byCost ? 'cost' : 'tokens';
    return html`
      <div class="grid">
        <section class="card table-card models-table"><h3>${t('Models')}</h3>
          <data-table caption=${t('Usage by model')} .columns=${modelCols} .rows=${m.models.rows} sortKey=${sortKey}
            rowHint=${t('Show only this model')} .rowAction=${(r: ModelRow) => this.drill({ kind: 'model', model: r.model })}
            note=${m.models.rows.some((r) => r.unpriced) ? t('Models marked ⚠ have no known price: their cost counts as $0. Add a price with the claudeCosts.priceOverrides setting.') : ''}></data-table>
        </section>
      </div>
      <div class="grid two">
        <section class="card table-card projects-table"><h3>${t('Projects')}</h3>
          <data-table caption=${t('Usage by project')} .columns=${projectCols} .rows=${m.projects.rows} sortKey=${sortKey} pageSize="12"
            rowHint=${t('Show only this project')} .rowAction=${(r: ProjectRow) => this.drill({ kind: 'project', project: r.project })}
            note=${omittedNote(m.projects.omitted)}></data-table>
        </section>
        <section class="card table-card branches-table"><h3>${t('Branches')}</h3>
          <data-table caption=${t('Usage by project and git branch')} .columns=${branchCols} .rows=${m.branches.rows} sortKey=${sortKey} pageSize="12"
            note=${omittedNote(m.branches.omitted)} rowHint=${t('Show only this project and branch')}
            .rowAction=${(r: BranchRow) => this.filterToBranch(r)}></data-table>
        </section>
      </div>
      <div class="grid two">
        <section class="card table-card tools-table"><h3>${t('Tools')}</h3>
          <data-table caption=${t('Usage by the tools a turn used')} .columns=${toolCols} .rows=${m.tools.rows} sortKey=${sortKey} pageSize="12" note=${omittedNote(m.tools.omitted)}></data-table>
        </section>
      </div>
      <div class="grid">
        <section class="card table-card sessions-table"><h3>${t('Sessions')}</h3>
          <data-table caption=${t('Sessions')} .columns=${sessionCols} .rows=${m.sessions.rows} sortKey=${sortKey} pageSize="15"
            rowHint=${t('Show only this session')} .rowAction=${(r: SessionRow) => this.drill({ kind: 'session', session: r.sessionKey, label: r.title ?? r.sessionKey })}
            note=${omittedNote(m.sessions.omitted)}></data-table>
        </section>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'costs-app': CostsApp }
}

/** A table's note on rows beyond its display limit. */
function omittedNote(n: number): string {
  return n > 0 ? t('{0} more rows not listed (their figures are in the totals).', n) : '';
}

/** The exact figures behind a session's context cell (its tooltip). */
function contextTitle(r: SessionRow): string {
  const c = r.context;
  if (!c) return t('No Claude Code main-thread response recorded for this session');
  const now = c.currentTokens === null ? t('compacted; the size is known at the next response') : t('{0} of {1} tokens now', full(c.currentTokens), full(c.window));
  const peak = t('peak {0} ({1})', full(c.peakTokens), pct(c.peakPct, 0));
  const compactions = c.compactions > 0 ? ` · ${t('compacted {0}×', c.compactions)}` : '';
  return `${t('Context window:')} ${now} · ${peak}${compactions}`;
}

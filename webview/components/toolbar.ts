// The toolbar: one filter state drives every section. Emits `filter-change` (a partial filter),
// `refresh` and `export` (detail: 'csv' | 'json'); the app turns them into protocol messages.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { PanelFilter, PanelReadModel, RangePreset } from '../../src/protocol';
import { NO_BRANCH_FILTER, RANGE_PRESETS, customDayProblem } from '../../src/protocol';
import { RANGE_LABELS } from '../format';
import { baseStyles } from './styles';
import './model-chips';
import './rate-limit-chip';
import { t } from '../l10n';

@customElement('costs-toolbar')
export class CostsToolbar extends LitElement {
  static override styles = [baseStyles, css`
    :host { display: block; }
    .bar { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: flex-end; }
    .field { display: flex; flex-direction: column; gap: 3px; }
    .field > span { font-size: 0.85em; color: var(--vscode-descriptionForeground); }
    vscode-single-select { width: 140px; }
    vscode-single-select.source { width: 130px; }
    vscode-single-select.project { width: 200px; }
    vscode-single-select.provider { width: 150px; }
    vscode-single-select.branch { width: 170px; }
    vscode-textfield { width: 140px; }
    .spacer { flex: 1 1 auto; }
    .actions { display: flex; gap: 6px; align-items: center; margin-left: auto; }
    .seg { display: inline-flex; border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); border-radius: 3px; overflow: hidden; }
    .seg button {
      font: inherit; border: none; padding: 3px 12px; cursor: pointer; line-height: 18px;
      background: transparent; color: var(--vscode-foreground);
    }
    .seg button[aria-pressed='true'] { background: var(--vscode-button-background); color: var(--vscode-button-foreground); font-weight: 600; box-shadow: inset 0 -2px 0 var(--vscode-contrastActiveBorder, transparent); }
    .seg button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
    .chips { margin-top: 10px; }
    .date-error { margin: 6px 0 0; color: var(--vscode-errorForeground, var(--vscode-editorError-foreground)); font-size: 0.92em; }
  `];

  @property({ attribute: false }) filter!: PanelFilter;
  @property({ attribute: false }) model: PanelReadModel | null = null;
  @property({ type: Boolean }) busy = false;
  /** Why the date last typed was not used (it is not sent); null when the dates are fine. */
  @state() private dateError: { field: 'from' | 'until'; message: string } | null = null;

  /** The host's clock (the model's generation time): dates after tomorrow are refused against it. */
  private get nowMs(): number | undefined {
    return this.model?.nowMs;
  }

  private change(partial: Partial<PanelFilter>): void {
    this.dispatchEvent(new CustomEvent('filter-change', { detail: partial, bubbles: true, composed: true }));
  }

  private onRange(e: Event): void {
    const range = (e.target as HTMLSelectElement).value as RangePreset;
    if (!RANGE_PRESETS.includes(range) || range === this.filter.range) return;
    this.dateError = null;
    if (range === 'custom') {
      // Start from the window on screen, as local dates.
      const days = this.model?.daily ?? [];
      const today = new Date(this.nowMs ?? Date.now()).toISOString().slice(0, 10);
      this.change({ range, from: this.filter.from ?? days[0]?.day ?? today, until: this.filter.until ?? days.at(-1)?.day ?? today });
    } else {
      this.change({ range });
    }
  }

  /** A provider scopes the model chips to its models: the model selection starts over. */
  private onProvider(provider: string | null): void {
    if (provider === this.filter.provider) return;
    this.change({ provider, models: null });
  }

  private onDate(which: 'from' | 'until', e: Event): void {
    const v = (e.target as HTMLInputElement).value;
    // The host refuses such dates too; checking here says why at once, and sends nothing.
    const problem = customDayProblem(v, this.nowMs);
    if (problem) {
      // The protocol's reason is English (it also goes to the host's log); the field and the prompt are translated.
      this.dateError = { field: which, message: `${which === 'from' ? t('From') : t('Until')}: ${v === '' ? t('enter a date') : problem}.` };
      return;
    }
    this.dateError = null;
    let { from, until } = this.filter;
    if (which === 'from') from = v; else until = v;
    if (from && until && from > until) [from, until] = [until, from];
    this.change({ range: 'custom', from, until });
  }

  override render() {
    const f = this.filter;
    const m = this.model;
    const internal = m?.sources.internalAvailable ?? false;
    const projects = m?.available.projects ?? [];
    const providers = (m?.available.providers ?? []).map((p) => p.name);
    const branches = m?.available.branches ?? [];
    return html`
      <div class="bar">
        <label class="field"><span>${t('Range')}</span>
          <vscode-single-select class="range" aria-label=${t('Date range')} .value=${f.range} @change=${this.onRange}>
            ${RANGE_PRESETS.map((r) => html`<vscode-option value=${r} ?selected=${r === f.range}>${RANGE_LABELS[r]}</vscode-option>`)}
          </vscode-single-select>
        </label>
        ${f.range === 'custom' ? html`
          <label class="field"><span>${t('From')}</span>
            <vscode-textfield class="from" type="date" aria-label=${t('From date')} .value=${f.from ?? ''} ?invalid=${this.dateError?.field === 'from'}
              aria-invalid=${this.dateError?.field === 'from' ? 'true' : 'false'} aria-describedby="date-error" @change=${(e: Event) => this.onDate('from', e)}></vscode-textfield>
          </label>
          <label class="field"><span>${t('Until')}</span>
            <vscode-textfield class="until" type="date" aria-label=${t('Until date')} .value=${f.until ?? ''} ?invalid=${this.dateError?.field === 'until'}
              aria-invalid=${this.dateError?.field === 'until' ? 'true' : 'false'} aria-describedby="date-error" @change=${(e: Event) => this.onDate('until', e)}></vscode-textfield>
          </label>` : nothing}
        <label class="field" title=${internal ? t('Which logs to count') : t('API logs appear here once claudeCosts.apiLogs.paths points at your own call logs')}>
          <span>${t('Source')}</span>
          <vscode-single-select class="source" aria-label=${t('Source')} .value=${f.source} ?disabled=${!internal}
            @change=${(e: Event) => this.change({ source: (e.target as HTMLSelectElement).value as PanelFilter['source'] })}>
            <vscode-option value="all" ?selected=${f.source === 'all'}>${t('All sources')}</vscode-option>
            <vscode-option value="claude_code" ?selected=${f.source === 'claude_code'}>${t('Claude Code')}</vscode-option>
            <vscode-option value="internal" ?selected=${f.source === 'internal'}>${t('API logs')}</vscode-option>
          </vscode-single-select>
        </label>
        ${providers.length > 0 || f.provider !== null ? html`<label class="field" title=${t('Claude Code counts as anthropic; picking a provider shows only its models')}>
          <span>${t('Provider')}</span>
          <vscode-single-select class="provider" aria-label=${t('Provider')} .value=${f.provider ?? ''}
            @change=${(e: Event) => this.onProvider((e.target as HTMLSelectElement).value || null)}>
            <vscode-option value="" ?selected=${f.provider === null}>${t('All providers')}</vscode-option>
            ${providers.map((p) => html`<vscode-option value=${p} ?selected=${p === f.provider}>${p}</vscode-option>`)}
            ${f.provider !== null && !providers.includes(f.provider) ? html`<vscode-option value=${f.provider} selected>${f.provider}</vscode-option>` : nothing}
          </vscode-single-select>
        </label>` : nothing}
        <label class="field"><span>${t('Project')}</span>
          <vscode-single-select class="project" aria-label=${t('Project')} .value=${f.project ?? ''}
            @change=${(e: Event) => this.change({ project: (e.target as HTMLSelectElement).value || null })}>
            <vscode-option value="" ?selected=${f.project === null}>${t('All projects')}</vscode-option>
            ${projects.map((p) => html`<vscode-option value=${p} ?selected=${p === f.project}>${p}</vscode-option>`)}
            ${f.project !== null && !projects.includes(f.project) ? html`<vscode-option value=${f.project} selected>${f.project}</vscode-option>` : nothing}
          </vscode-single-select>
        </label>
        <label class="field"><span>${t('Branch')}</span>
          <vscode-single-select class="branch" aria-label=${t('Git branch')} .value=${f.branch ?? ''}
            @change=${(e: Event) => this.change({ branch: (e.target as HTMLSelectElement).value || null })}>
            <vscode-option value="" ?selected=${f.branch === null}>${t('All branches')}</vscode-option>
            ${branches.map((b) => html`<vscode-option value=${b} ?selected=${b === f.branch}>${branchLabel(b)}</vscode-option>`)}
            ${f.branch !== null && !branches.includes(f.branch) ? html`<vscode-option value=${f.branch} selected>${branchLabel(f.branch)}</vscode-option>` : nothing}
          </vscode-single-select>
        </label>
        <div class="field"><span id="view-label">${t('View')}</span>
          <div class="seg" role="group" aria-labelledby="view-label">
            <button type="button" class="view-usage" aria-pressed=${f.view === 'usage' ? 'true' : 'false'} @click=${() => this.change({ view: 'usage' })}>${t('Usage')}</button>
            <button type="button" class="view-cost" aria-pressed=${f.view === 'cost' ? 'true' : 'false'} @click=${() => this.change({ view: 'cost' })}>${t('Cost')}</button>
          </div>
        </div>
        <span class="spacer"></span>
        <div class="actions">
          <rate-limit-chip .limits=${m?.rateLimits ?? null} .nowMs=${m?.nowMs ?? 0}></rate-limit-chip>
          <vscode-button class="refresh" secondary icon="refresh" ?disabled=${this.busy} aria-label=${t('Refresh')} title=${t('Refresh')}
            @click=${() => !this.busy && this.dispatchEvent(new CustomEvent('refresh', { bubbles: true, composed: true }))}>${t('Refresh')}</vscode-button>
          <vscode-button class="export-csv" secondary icon="export" ?disabled=${!m} title=${t('Export the current view as CSV')}
            @click=${() => this.dispatchEvent(new CustomEvent('export', { detail: 'csv', bubbles: true, composed: true }))}>CSV</vscode-button>
          <vscode-button class="export-json" secondary icon="json" ?disabled=${!m} title=${t('Export the current view as JSON')}
            @click=${() => this.dispatchEvent(new CustomEvent('export', { detail: 'json', bubbles: true, composed: true }))}>JSON</vscode-button>
        </div>
      </div>
      ${f.range === 'custom' && this.dateError ? html`<p id="date-error" class="date-error" role="alert">${this.dateError.message}</p>` : nothing}
      <model-chips class="chips" .groups=${m?.available.models ?? []} .selected=${f.models}></model-chips>`;
  }
}

/** A branch as the filter shows it ("(no branch)" in the user's language). */
function branchLabel(branch: string): string {
  return branch === NO_BRANCH_FILTER ? t('(no branch)') : branch;
}

declare global {
  interface HTMLElementTagNameMap { 'costs-toolbar': CostsToolbar }
}

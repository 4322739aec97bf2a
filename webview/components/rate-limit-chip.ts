// The rate-limit chip of the toolbar: the most restrictive fresh headroom over the models your API
// logs observed, expandable (a disclosure button: Enter / Space toggle, Escape closes and returns focus)
// to the latest observation per model. Stale observations (past their reset) are history: they are
// listed as stale, never counted as headroom. Figures come from the read model; this only formats.
import { LitElement, css, html, nothing, unsafeCSS } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ModelRateLimit, RateLimitKindName, RateLimitReadingView, RateLimitSummary } from '../../src/protocol';
import { RATE_KIND_LABELS, ago, full, pct, untilLabel } from '../format';
import { baseStyles } from './styles';
import { t, tHtml } from '../l10n';

const KINDS: RateLimitKindName[] = ['requests', 'input_tokens', 'output_tokens', 'tokens'];
const STEPS = 20;

/** Colour state of a headroom, like the status-bar chip: warning at ≥ 80 % used, error at ≥ 95 %. */
function level(headroomPct: number | null): 'ok' | 'warn' | 'error' | 'stale' {
  if (headroomPct === null) return 'stale';
  return headroomPct <= 5 ? 'error' : headroomPct <= 20 ? 'warn' : 'ok';
}

@customElement('rate-limit-chip')
export class RateLimitChip extends LitElement {
  static override styles = [baseStyles, css`
    :host { display: inline-block; position: relative; }
    button.chip {
      font: inherit; display: inline-flex; align-items: center; gap: 6px; cursor: pointer; line-height: 18px;
      padding: 3px 10px; border-radius: 12px; border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
      background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground);
    }
    button.chip:hover { background: var(--vscode-button-secondaryHoverBackground, var(--vscode-button-secondaryBackground)); }
    button.chip:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
    button.chip .dot { width: 8px; height: 8px; border-radius: 50%; background: var(--vscode-charts-green); }
    button.chip.warn .dot { background: var(--vscode-charts-yellow); }
    button.chip.error .dot { background: var(--vscode-charts-red); }
    button.chip.stale .dot { background: transparent; border: 1px solid var(--vscode-descriptionForeground); }
    button.chip.stale { color: var(--vscode-descriptionForeground); }
    button.chip strong { font-weight: 600; font-variant-numeric: tabular-nums; }
    button.chip .caret { font-size: 0.8em; opacity: 0.8; }
    .panel {
      position: absolute; right: 0; top: calc(100% + 6px); z-index: 20; width: max-content; min-width: 420px;
      max-width: min(940px, calc(100vw - 40px)); overflow-x: auto; padding: 12px 14px;
      background: var(--vscode-editorWidget-background, var(--vscode-sideBar-background));
      color: var(--vscode-editorWidget-foreground, var(--vscode-foreground));
      border: 1px solid var(--vscode-editorWidget-border, var(--vscode-widget-border, var(--vscode-panel-border)));
      border-radius: 4px; box-shadow: 0 4px 16px var(--vscode-widget-shadow, rgba(0, 0, 0, 0.36));
    }
    .panel[hidden] { display: none; }
    .panel h3 { margin: 0 0 2px; }
    .panel .sub { color: var(--vscode-descriptionForeground); font-size: 0.92em; margin-bottom: 10px; }
    table { border-collapse: collapse; font-variant-numeric: tabular-nums; width: 100%; }
    th { text-align: left; font-weight: 600; color: var(--vscode-descriptionForeground); padding: 4px 10px 4px 0; white-space: nowrap; }
    td { padding: 6px 10px 6px 0; vertical-align: top; border-top: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); }
    td.model { white-space: nowrap; }
    td .detail, .reading .detail { white-space: nowrap; }
    td.model .provider, .detail { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
    .reading { min-width: 118px; }
    .line { display: flex; justify-content: space-between; gap: 8px; white-space: nowrap; }
    .meter { height: 5px; border-radius: 3px; background: var(--vscode-input-background); margin: 3px 0 2px; overflow: hidden; border: 1px solid var(--vscode-widget-border, transparent); }
    .meter .fill { height: 100%; background: var(--vscode-charts-green); }
    .warn .fill { background: var(--vscode-charts-yellow); }
    .error .fill { background: var(--vscode-charts-red); }
    .warn .pct { color: var(--vscode-charts-yellow); }
    .error .pct { color: var(--vscode-charts-red); }
    .pct { font-weight: 600; }
    .stale-tag { display: inline-block; font-size: 0.85em; padding: 0 6px; border-radius: 8px; border: 1px dashed var(--vscode-descriptionForeground); color: var(--vscode-descriptionForeground); }
    .none { color: var(--vscode-descriptionForeground); }
    tr.is-stale td.model { color: var(--vscode-descriptionForeground); }
    .note { margin-top: 8px; color: var(--vscode-descriptionForeground); font-size: 0.9em; }
    ${unsafeCSS([...Array(STEPS + 1).keys()].map((i) => `.w${i} { width: ${(i * 100) / STEPS}%; }`).join('\n'))}
  `];

  @property({ attribute: false }) limits: RateLimitSummary | null = null;
  @property({ type: Number }) nowMs = 0;
  @state() private open = false;
  @query('button.chip') private chip!: HTMLButtonElement;

  private readonly onDocClick = (e: MouseEvent) => {
    if (this.open && !e.composedPath().includes(this)) this.open = false;
  };

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('click', this.onDocClick);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('click', this.onDocClick);
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Escape' && this.open) {
      e.stopPropagation();
      this.open = false;
      this.chip.focus();
    }
  }

  /** Right-aligned under the chip, shifted as needed to stay inside the page (the toolbar wraps in narrow columns). */
  protected override updated(): void {
    const panel = this.renderRoot.querySelector<HTMLElement>('.panel');
    if (!panel || !this.open) return;
    const host = this.getBoundingClientRect();
    const width = panel.getBoundingClientRect().width;
    const viewport = document.documentElement.clientWidth;
    const left = Math.max(8, Math.min(host.right - width, viewport - 8 - width));
    panel.style.right = 'auto';
    panel.style.left = `${Math.round(left - host.left)}px`;
  }

  private reading(r: RateLimitReadingView | undefined) {
    if (!r) return html`<span class="none">—</span>`;
    const amount = r.remaining !== null && r.limit !== null ? `${full(r.remaining)} / ${full(r.limit)}` : r.remaining !== null ? t('{0} left', full(r.remaining)) : t('limit unknown');
    if (r.stale) {
      const why = r.resetMs !== null ? t('reset {0}', untilLabel(r.resetMs, this.nowMs)) : t('seen {0}', ago(r.observedMs, this.nowMs));
      return html`<div class="reading" title=${t('Observed {0}: {1}. Its reset has passed, so it says nothing about now.', ago(r.observedMs, this.nowMs), amount)}>
        <span class="stale-tag">${t('stale')}</span><div class="detail">${amount}</div><div class="detail">${why}</div></div>`;
    }
    const lv = level(r.headroomPct);
    const w = r.headroomPct === null ? 0 : Math.round((r.headroomPct / 100) * STEPS);
    return html`<div class=${`reading ${lv}`}>
      <div class="line"><span class="pct">${r.headroomPct === null ? '?' : t('{0} left', pct(r.headroomPct, 0))}</span></div>
      <div class="meter" role="img" aria-label=${t('{0}: {1} left', RATE_KIND_LABELS[r.kind], r.headroomPct === null ? t('unknown') : pct(r.headroomPct, 0))}><div class=${`fill w${w}`}></div></div>
      <div class="detail">${amount}</div>
      ${r.resetMs !== null ? html`<div class="detail">${t('resets {0}', untilLabel(r.resetMs, this.nowMs))}</div>` : nothing}
    </div>`;
  }

  private row(m: ModelRateLimit, kinds: RateLimitKindName[]) {
    const byKind = new Map(m.readings.map((r) => [r.kind, r]));
    return html`<tr class=${m.stale ? 'is-stale' : ''} data-model=${m.model}>
      <td class="model">${m.model}${m.provider ? html`<div class="provider">${m.provider}${m.stale ? ` · ${t('stale')}` : ''}</div>` : nothing}</td>
      ${kinds.map((k) => html`<td>${this.reading(byKind.get(k))}</td>`)}
      <td class="detail">${ago(m.observedMs, this.nowMs)}</td>
    </tr>`;
  }

  override render() {
    const l = this.limits;
    if (!l || l.models.length === 0) return nothing;
    const tight = l.tightest;
    const lv = level(tight?.headroomPct ?? null);
    const kinds = KINDS.filter((k) => l.models.some((m) => m.readings.some((r) => r.kind === k)));
    const label = tight
      ? t('Rate limits: {0} left ({1}, {2})', pct(tight.headroomPct, 0), tight.model, RATE_KIND_LABELS[tight.kind].toLowerCase())
      : t('Rate limits: every observation is stale');
    return html`
      <button type="button" class=${`chip ${lv}`} aria-expanded=${this.open ? 'true' : 'false'} aria-controls="rate-limit-panel"
        title=${t('{0}. Click for the latest observation per model.', label)} aria-label=${label}
        @click=${() => { this.open = !this.open; }} @keydown=${this.onKey}>
        <span class="dot" aria-hidden="true"></span>
        ${tight ? html`<span>${tHtml('Rate limit {0} left', html`<strong>${pct(tight.headroomPct, 0)}</strong>`)}</span>` : html`<span>${t('Rate limits stale')}</span>`}
        <span class="caret" aria-hidden="true">${this.open ? '▴' : '▾'}</span>
      </button>
      <div id="rate-limit-panel" class="panel" role="region" aria-label=${t('Rate limits per model')} ?hidden=${!this.open} @keydown=${this.onKey}>
        <h3>${t('Rate limits')}</h3>
        <div class="sub">${t('Latest observation per model, from the rate-limit headers in your API logs')}${tight ? html` · ${tHtml('tightest: {0} {1}', html`<strong>${tight.model}</strong>`, RATE_KIND_LABELS[tight.kind].toLowerCase())}` : nothing}</div>
        <table aria-label=${t('Latest rate-limit observation per model')}>
          <thead><tr><th scope="col">${t('Model')}</th>${kinds.map((k) => html`<th scope="col">${RATE_KIND_LABELS[k]}</th>`)}<th scope="col">${t('Observed')}</th></tr></thead>
          <tbody>${l.models.map((m) => this.row(m, kinds))}</tbody>
        </table>
        ${l.models.some((m) => m.readings.some((r) => r.stale))
          ? html`<div class="note">${t('Stale: the reset has passed since it was observed, so it says nothing about the headroom now.')}</div>` : nothing}
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rate-limit-chip': RateLimitChip }
}

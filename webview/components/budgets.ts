// Budget bars: green < 80 % ≤ amber < 100 % ≤ red, with today's / this month's spend and the projection.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Budget, PanelReadModel } from '../../src/protocol';
import { pct, usd } from '../format';
import { t, tHtml } from '../l10n';
import { cardStyles } from './styles';

@customElement('budget-bars')
export class BudgetBars extends LitElement {
  static override styles = [cardStyles, css`
    :host { display: block; }
    .rows { display: grid; gap: 12px; }
    .line { display: flex; justify-content: space-between; gap: 8px; flex-wrap: wrap; font-variant-numeric: tabular-nums; }
    .track { position: relative; height: 8px; border-radius: 4px; background: var(--vscode-input-background, var(--vscode-editorWidget-background)); overflow: hidden; margin: 4px 0 2px; border: 1px solid var(--vscode-widget-border, transparent); }
    .fill { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 4px; }
    .proj { position: absolute; top: 0; bottom: 0; width: 2px; background: var(--vscode-foreground); opacity: 0.6; }
    .ok .fill { background: var(--vscode-charts-green); }
    .warn .fill { background: var(--vscode-charts-yellow); }
    .over .fill { background: var(--vscode-charts-red); }
    .state { font-weight: 600; }
    .ok .state { color: var(--vscode-charts-green); }
    .warn .state { color: var(--vscode-charts-yellow); }
    .over .state { color: var(--vscode-charts-red); }
    .hint { color: var(--vscode-descriptionForeground); }
  `];

  @property({ attribute: false }) model!: PanelReadModel;

  private row(id: 'Daily' | 'Monthly', when: string, b: Budget) {
    const name = id === 'Daily' ? t('Daily') : t('Monthly');
    const label = b.state === 'over' ? t('over budget') : b.state === 'warn' ? t('near the limit') : t('on track');
    return html`<div class=${`budget ${b.state}`} data-budget=${id}>
      <div class="line"><span><strong>${name}</strong> <span class="muted">${when}</span></span>
        <span><span class="state">${label}</span> · ${t('{0} of {1} ({2})', usd(b.spentUsd), usd(b.limitUsd), pct(b.pct, 0))}</span></div>
      <div class="track" role="progressbar" aria-label=${id === 'Daily' ? t('Daily budget') : t('Monthly budget')} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.min(100, Math.round(b.pct))}
        aria-valuetext=${t('{0} of {1}, {2}', usd(b.spentUsd), usd(b.limitUsd), label)}>
        <div class="fill" data-w=${Math.min(100, b.pct)}></div>
        ${b.projectedUsd === null || b.projectedPct === null ? nothing
          : html`<div class="proj" data-w=${Math.min(99.5, b.projectedPct)} title=${t('Projected: {0}', usd(b.projectedUsd))}></div>`}
      </div>
      <div class="muted">${b.projectedUsd === null || b.projectedPct === null
        ? (id === 'Daily' ? t('No projection yet: too little of the day has passed') : t('No projection yet: too little of the month has passed'))
        : (id === 'Daily' ? t('Projected {0} by the end of the day ({1})', usd(b.projectedUsd), pct(b.projectedPct, 0))
          : t('Projected {0} by the end of the month ({1})', usd(b.projectedUsd), pct(b.projectedPct, 0)))}</div>
    </div>`;
  }

  override render() {
    const { daily, monthly } = this.model.budgets;
    const s = this.model.spend;
    return html`<section class="card" aria-label=${t('Budgets')}>
      <header class="card-head"><h3>${t('Budgets')}</h3><span class="sub">${t('all projects and models')}</span>
        <button class="link" slot="actions" @click=${() => this.dispatchEvent(new CustomEvent('open-settings', { detail: 'budget', bubbles: true, composed: true }))}>${t('Edit budgets')}</button>
      </header>
      <div class="rows">
        ${daily ? this.row('Daily', s.today.period, daily) : nothing}
        ${monthly ? this.row('Monthly', s.month.period, monthly) : nothing}
        ${!daily && !monthly ? html`<div class="hint">${t('Spent today {0} · this month {1}.', usd(s.today.usd), usd(s.month.usd))}
          ${tHtml('Set {0} or {1} to track a budget.', html`<code>claudeCosts.budget.daily</code>`, html`<code>claudeCosts.budget.monthly</code>`)}</div>` : nothing}
      </div>
    </section>`;
  }

  protected override updated(): void {
    for (const el of this.renderRoot.querySelectorAll<HTMLElement>('.fill')) el.style.width = `${el.dataset.w}%`;
    for (const el of this.renderRoot.querySelectorAll<HTMLElement>('.proj')) el.style.left = `${el.dataset.w}%`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'budget-bars': BudgetBars }
}

// An accessible, sortable table: a real <table> (screen readers get rows and headers), sort buttons in
// the headers (aria-sort), rows reachable with Tab and walked with ↑ ↓ Home End (roving tabindex),
// numbers right-aligned, an optional bar-in-cell and a totals row at the bottom.
import { LitElement, css, html, nothing, unsafeCSS } from 'lit';
import type { TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { baseStyles, cellStyles } from './styles';
import { t } from '../l10n';

export interface Column<R> {
  key: string;
  label: string;
  numeric?: boolean;
  /** Sort value. */
  value: (r: R) => number | string;
  /** Cell content (text by default: the value). */
  render?: (r: R) => TemplateResult | string;
  /** Exact figure for the cell's tooltip. */
  title?: (r: R) => string;
  /** 0..100: draws a bar behind the cell. */
  bar?: (r: R) => number;
  /** Totals row content. */
  total?: TemplateResult | string;
  /** A text column that gives way (ellipsis) when the table is narrow, like the first one. */
  shrink?: boolean;
}

const BAR_STEPS = 20;

@customElement('data-table')
export class DataTable extends LitElement {
  static override styles = [baseStyles, cellStyles, css`
    :host { display: block; min-width: 0; }
    .scroll { overflow-x: auto; }
    table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
    th, td { padding: 4px 8px; white-space: nowrap; border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); }
    th { font-weight: 600; text-align: left; color: var(--vscode-descriptionForeground); }
    th.num, td.num { text-align: right; }
    th button {
      all: unset; cursor: pointer; display: inline-flex; gap: 4px; align-items: center; padding: 1px 2px; border-radius: 2px;
    }
    th button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
    th button:hover { color: var(--vscode-foreground); }
    th[aria-sort='ascending'] button, th[aria-sort='descending'] button { color: var(--vscode-foreground); }
    .arrow { font-size: 0.8em; width: 0.8em; }
    tbody tr { outline: none; }
    tbody tr:hover { background: var(--vscode-list-hoverBackground); }
    tbody tr.actionable { cursor: pointer; }
    tbody tr:focus-visible, tbody tr:focus { background: var(--vscode-list-focusBackground, var(--vscode-list-hoverBackground)); outline: 1px solid var(--vscode-list-focusOutline, var(--vscode-focusBorder)); outline-offset: -1px; }
    tfoot td { font-weight: 600; border-bottom: none; border-top: 1px solid var(--vscode-foreground); }
    /*
     * Names give way, figures never do: text columns (the first one, and any marked shrink) take what the
     * numbers leave (max-width 0 lets them go below their content) and end in an ellipsis; the full text
     * is in the cell's tooltip. The min-width keeps a few characters of them readable.
     */
    td.first, th.first, td.shrink, th.shrink { max-width: 0; min-width: 9ch; overflow: hidden; text-overflow: ellipsis; }
    td.first, th.first { width: 38%; }
    td.shrink, th.shrink { width: 16%; }
    .bar-cell { position: relative; }
    .bar-cell .bar { position: absolute; left: 0; top: 3px; bottom: 3px; background: var(--vscode-charts-blue); opacity: 0.22; border-radius: 2px; pointer-events: none; }
    ${unsafeCSS([...Array(BAR_STEPS + 1).keys()].map((i) => `.w${i} { width: ${(i * 100) / BAR_STEPS}%; }`).join('\n'))}
    .bar-cell span { position: relative; }
    button.more { margin-top: 6px; }
    .note { margin-top: 6px; font-size: 0.92em; color: var(--vscode-descriptionForeground); }
    .none { padding: 12px 8px; color: var(--vscode-descriptionForeground); font-style: italic; }
  `];

  @property() caption = '';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  @property({ attribute: false }) columns: Column<any>[] = [];
  @property({ attribute: false }) rows: unknown[] = [];
  @property({ type: Boolean }) showTotals = true;
  @property() note = '';
  @property() emptyText = t('No rows in this range.');
  @property() sortKey = '';
  @property() sortDir: 'asc' | 'desc' = 'desc';
  /**
   * What a click on a row (or Enter on it) does, e.g. filter the page to it; null = rows are not actionable.
   * `rowHint` is the rows' tooltip saying so.
   */
  @property({ attribute: false }) rowAction: ((row: any) => void) | null = null; // eslint-disable-line @typescript-eslint/no-explicit-any
  @property() rowHint = '';
  /** Rows shown before "Show all" (0 = all). */
  @property({ type: Number }) pageSize = 0;
  @state() private expanded = false;
  @state() private focusIndex = 0;

  private sorted(): unknown[] {
    const col = this.columns.find((c) => c.key === this.sortKey);
    if (!col) return this.rows;
    const dir = this.sortDir === 'asc' ? 1 : -1;
    return [...this.rows].sort((a, b) => {
      const va = col.value(a), vb = col.value(b);
      if (typeof va === 'number' && typeof vb === 'number') return (va - vb) * dir;
      return String(va).localeCompare(String(vb)) * dir;
    });
  }

  private sortBy(key: string, numeric: boolean): void {
    if (this.sortKey === key) this.sortDir = this.sortDir === 'asc' ? 'desc' : 'asc';
    else { this.sortKey = key; this.sortDir = numeric ? 'desc' : 'asc'; }
  }

  private onRowKey(e: KeyboardEvent, count: number, row: unknown): void {
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 };
    let next = Math.min(this.focusIndex, count - 1);
    if (e.key === 'Enter' && this.rowAction) {
      e.preventDefault();
      this.rowAction(row);
      return;
    }
    if (e.key in moves) next += moves[e.key];
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = count - 1;
    else return;
    e.preventDefault();
    next = Math.max(0, Math.min(count - 1, next));
    this.focusIndex = next;
    void this.updateComplete.then(() => this.renderRoot.querySelectorAll<HTMLElement>('tbody tr')[next]?.focus());
  }

  override render() {
    const all = this.sorted();
    const limited = this.pageSize > 0 && !this.expanded && all.length > this.pageSize;
    const rows = limited ? all.slice(0, this.pageSize) : all;
    // A shorter row set (new data, collapsed list): the roving tab stop falls back to the first row.
    const focusIndex = this.focusIndex < rows.length ? this.focusIndex : 0;
    return html`
      <div class="scroll">
        <table aria-label=${this.caption}>
          <thead><tr>
            ${this.columns.map((c) => {
              const active = c.key === this.sortKey;
              const sort = active ? (this.sortDir === 'asc' ? 'ascending' : 'descending') : 'none';
              return html`<th scope="col" class=${this.textClass(c, this.columns.indexOf(c))} aria-sort=${sort}>
                <button type="button" @click=${() => this.sortBy(c.key, !!c.numeric)} title=${t('Sort by {0}', c.label)}>
                  ${c.numeric ? html`<span class="arrow" aria-hidden="true">${active ? (this.sortDir === 'asc' ? '▲' : '▼') : ''}</span>` : nothing}
                  ${c.label}
                  ${!c.numeric ? html`<span class="arrow" aria-hidden="true">${active ? (this.sortDir === 'asc' ? '▲' : '▼') : ''}</span>` : nothing}
                </button></th>`;
            })}
          </tr></thead>
          <tbody>
            ${rows.length === 0
              ? html`<tr><td class="none" colspan=${this.columns.length}>${this.emptyText}</td></tr>`
              : rows.map((r, i) => html`<tr tabindex=${i === focusIndex ? 0 : -1} class=${this.rowAction ? 'actionable' : ''} title=${this.rowAction ? this.rowHint : nothing}
                  @click=${() => this.rowAction?.(r)}
                  @keydown=${(e: KeyboardEvent) => this.onRowKey(e, rows.length, r)} @focus=${() => { this.focusIndex = i; }}>
                  ${this.columns.map((c, ci) => this.cell(c, r, ci))}
                </tr>`)}
          </tbody>
          ${this.showTotals && rows.length > 0 ? html`<tfoot><tr>
            ${this.columns.map((c, ci) => html`<td class=${this.textClass(c, ci)}>${c.total ?? ''}</td>`)}
          </tr></tfoot>` : nothing}
        </table>
      </div>
      ${limited || (this.expanded && this.pageSize > 0 && all.length > this.pageSize)
        ? html`<button type="button" class="link more" @click=${() => { this.expanded = !this.expanded; }}>${limited ? t('Show all {0}', all.length) : t('Show the first {0}', this.pageSize)}</button>`
        : nothing}
      ${this.note ? html`<div class="note">${this.note}</div>` : nothing}`;
  }

  private textClass(c: Column<unknown>, ci: number): string {
    return c.numeric ? 'num' : ci === 0 ? 'first' : c.shrink ? 'shrink' : '';
  }

  private cell(c: Column<unknown>, r: unknown, ci: number) {
    const content = c.render ? c.render(r) : String(c.value(r));
    const cls = [this.textClass(c, ci), c.bar ? 'bar-cell' : ''].join(' ').trim();
    const title = c.title ? c.title(r) : typeof content === 'string' && (ci === 0 || c.shrink) ? content : '';
    if (c.bar) {
      const w = Math.round((Math.max(0, Math.min(100, c.bar(r))) / 100) * BAR_STEPS);
      return html`<td class=${cls} title=${title}><div class=${`bar w${w}`}></div><span>${content}</span></td>`;
    }
    return html`<td class=${cls} title=${title}>${content}</td>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'data-table': DataTable }
}

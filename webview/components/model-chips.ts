// Model chips grouped by family. Click toggles a model; Alt/Shift-click solos it; the family pill
// toggles its whole group; "Reset" returns to all models. Every chip off = zero rows (models: []).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PanelReadModel } from '../../src/protocol';
import { FAMILY_LABELS } from '../format';
import { baseStyles } from './styles';
import { t } from '../l10n';

type Groups = PanelReadModel['available']['models'];

/** The selection after one interaction; null when it equals "all" (the unfiltered state). */
function normalise(selected: Set<string>, all: string[]): string[] | null {
  if (all.length > 0 && all.every((m) => selected.has(m))) return null;
  return all.filter((m) => selected.has(m));
}

@customElement('model-chips')
export class ModelChips extends LitElement {
  static override styles = [baseStyles, css`
    :host { display: block; }
    .row { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; }
    .group { display: inline-flex; flex-wrap: wrap; gap: 4px; align-items: center; }
    button.chip, button.pill {
      font: inherit; font-size: 0.92em; cursor: pointer; border-radius: 11px; padding: 1px 9px; line-height: 18px;
      border: 1px solid var(--vscode-button-border, var(--vscode-contrastBorder, transparent));
      background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground);
    }
    button.chip[aria-pressed='true'] { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border-color: var(--vscode-contrastActiveBorder, var(--vscode-button-border, transparent)); }
    button.chip[aria-pressed='false'] { opacity: 0.75; text-decoration: line-through; }
    button.chip:hover, button.pill:hover { filter: brightness(1.1); }
    button.pill { font-weight: 600; background: transparent; color: var(--vscode-foreground); border-color: var(--vscode-widget-border, var(--vscode-panel-border)); }
    button.pill[aria-pressed='mixed'] { border-style: dashed; }
    button.pill[aria-pressed='false'] { color: var(--vscode-descriptionForeground); }
    button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
    .label { color: var(--vscode-descriptionForeground); margin-right: 2px; }
    .warn { color: var(--vscode-editorWarning-foreground); margin-left: 3px; }
  `];

  @property({ attribute: false }) groups: Groups = [];
  /** null = all models. */
  @property({ attribute: false }) selected: string[] | null = null;

  private get all(): string[] {
    return this.groups.flatMap((g) => g.models.map((m) => m.id));
  }

  private isOn(id: string): boolean {
    return this.selected === null || this.selected.includes(id);
  }

  private emit(models: string[] | null): void {
    this.dispatchEvent(new CustomEvent('models-change', { detail: models, bubbles: true, composed: true }));
  }

  private onChip(e: MouseEvent, id: string): void {
    if (e.altKey || e.shiftKey) {
      this.emit(normalise(new Set([id]), this.all));
      return;
    }
    const sel = new Set(this.selected ?? this.all);
    if (sel.has(id)) sel.delete(id); else sel.add(id);
    this.emit(normalise(sel, this.all));
  }

  private onFamily(ids: string[]): void {
    const sel = new Set(this.selected ?? this.all);
    const allOn = ids.every((id) => sel.has(id));
    for (const id of ids) if (allOn) sel.delete(id); else sel.add(id);
    this.emit(normalise(sel, this.all));
  }

  override render() {
    if (this.groups.length === 0) return nothing;
    return html`<div class="row" role="group" aria-label=${t('Models (click toggles, Alt- or Shift-click shows only that model)')}>
      <span class="label">${t('Models')}</span>
      ${this.groups.map((g) => {
        const ids = g.models.map((m) => m.id);
        const on = ids.filter((id) => this.isOn(id)).length;
        const pressed = on === ids.length ? 'true' : on === 0 ? 'false' : 'mixed';
        return html`<span class="group">
          <button type="button" class="pill" aria-pressed=${pressed} title=${t('Toggle all {0} models', FAMILY_LABELS[g.family])}
            @click=${() => this.onFamily(ids)}>${FAMILY_LABELS[g.family]}</button>
          ${g.models.map((m) => html`<button type="button" class="chip" aria-pressed=${this.isOn(m.id) ? 'true' : 'false'}
              data-model=${m.id} title=${`${m.id}${m.unpriced ? ' (no price: add one in claudeCosts.priceOverrides)' : ''} — Alt- or Shift-click to show only this model`}
              @click=${(e: MouseEvent) => this.onChip(e, m.id)}>${m.id}${m.unpriced ? html`<span class="warn" aria-label=${t('no price')}>⚠</span>` : nothing}</button>`)}
        </span>`;
      })}
      ${this.selected !== null ? html`<button type="button" class="link reset" @click=${() => this.emit(null)}>${t('Reset')}</button>` : nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'model-chips': ModelChips }
}

// Shared component styles. Colours only from --vscode-* variables (fallbacks are never themed values).
import { css } from 'lit';

export const baseStyles = css`
  :host { color: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size, 13px); }
  *, *::before, *::after { box-sizing: border-box; }
  h2, h3 { margin: 0; font-weight: 600; }
  h3 { font-size: 1em; }
  button.link {
    background: none; border: none; padding: 0; font: inherit; cursor: pointer;
    color: var(--vscode-textLink-foreground);
  }
  button.link:hover { color: var(--vscode-textLink-activeForeground); text-decoration: underline; }
  :focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
  .muted { color: var(--vscode-descriptionForeground); }
  .num { text-align: right; font-variant-numeric: tabular-nums; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

/**
 * Marks rendered inside table cells (the cells live in data-table's shadow root, so their styles must
 * be there): the active-session dot, model-family squares, the no-price flag, success-rate colours.
 */
export const cellStyles = css`
  .dot { display: inline-block; flex: none; width: 8px; height: 8px; border-radius: 50%; background: var(--vscode-charts-green); margin-right: 6px; vertical-align: middle; }
  .dot.idle { background: transparent; }
  .family { display: inline-block; width: 8px; height: 8px; border-radius: 2px; margin-right: 6px; }
  .family.opus { background: var(--vscode-charts-purple); }
  .family.sonnet { background: var(--vscode-charts-blue); }
  .family.haiku { background: var(--vscode-charts-yellow); }
  .family.other { background: var(--vscode-charts-foreground, var(--vscode-descriptionForeground)); }
  .unusual { color: var(--vscode-charts-red); margin-left: 6px; font-size: 0.9em; font-weight: 600; }
  .unpriced { color: var(--vscode-editorWarning-foreground); margin-left: 6px; font-size: 0.9em; }
  .ok-rate { color: var(--vscode-charts-green); }
  .meh-rate { color: var(--vscode-charts-yellow); }
  .bad-rate { color: var(--vscode-charts-red); }
`;

export const cardStyles = css`
  ${baseStyles}
  .card {
    background: var(--vscode-editorWidget-background, var(--vscode-sideBar-background));
    border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
    border-radius: 4px;
    padding: 12px 14px;
    min-width: 0;
  }
  .card-head { display: flex; align-items: baseline; gap: 8px; margin-bottom: 8px; flex-wrap: wrap; }
  .card-head .sub { color: var(--vscode-descriptionForeground); font-size: 0.92em; }
  .card-head ::slotted([slot='actions']) { margin-left: auto; }
`;

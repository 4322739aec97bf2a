// Colours come only from the --vscode-* variables the webview host sets on <html>. A theme switch
// rewrites ~1,500 of them and then touches body's class / data-vscode-theme-* attributes, so we watch
// body only and re-read everything once per switch.
export interface Theme {
  fg: string;
  muted: string;
  grid: string;
  bg: string;
  font: string;
  fontSize: number;
  blue: string;
  green: string;
  orange: string;
  purple: string;
  red: string;
  yellow: string;
  kind: 'light' | 'dark' | 'hc' | 'hc-light';
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export function readTheme(): Theme {
  const cls = document.body.classList;
  const kind = cls.contains('vscode-high-contrast-light') ? 'hc-light' : cls.contains('vscode-high-contrast') ? 'hc' : cls.contains('vscode-light') ? 'light' : 'dark';
  const fg = cssVar('--vscode-foreground', kind === 'light' ? '#3b3b3b' : '#cccccc');
  return {
    fg,
    muted: cssVar('--vscode-descriptionForeground', fg),
    grid: cssVar('--vscode-charts-lines', cssVar('--vscode-panel-border', 'rgba(128,128,128,0.35)')),
    bg: cssVar('--vscode-editor-background', kind === 'light' ? '#ffffff' : '#1e1e1e'),
    font: cssVar('--vscode-font-family', 'sans-serif'),
    fontSize: parseFloat(cssVar('--vscode-font-size', '13')) || 13,
    blue: cssVar('--vscode-charts-blue', '#3794ff'),
    green: cssVar('--vscode-charts-green', '#89d185'),
    orange: cssVar('--vscode-charts-orange', '#d18616'),
    purple: cssVar('--vscode-charts-purple', '#b180d7'),
    red: cssVar('--vscode-charts-red', '#f14c4c'),
    yellow: cssVar('--vscode-charts-yellow', '#cca700'),
    kind,
  };
}

type Listener = (t: Theme) => void;
const listeners = new Set<Listener>();
let current: Theme | null = null;
let observer: MutationObserver | null = null;

export function theme(): Theme {
  if (!current) current = readTheme();
  return current;
}

/** Calls `fn` after every theme switch; returns the unsubscribe function. */
export function onThemeChange(fn: Listener): () => void {
  listeners.add(fn);
  if (!observer) {
    observer = new MutationObserver(() => {
      current = readTheme();
      for (const l of listeners) l(current);
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind', 'data-vscode-theme-id'] });
  }
  return () => listeners.delete(fn);
}

/** A colour with alpha, for fills (works for #rgb, #rrggbb and rgb()/rgba() values). */
export function alpha(color: string, a: number): string {
  const c = color.trim();
  if (c.startsWith('#')) {
    const hex = c.length === 4 ? c.slice(1).split('').map((x) => x + x).join('') : c.slice(1, 7);
    const n = parseInt(hex, 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
  }
  const m = /rgba?\(([^)]+)\)/.exec(c);
  if (m) {
    const [r, g, b] = m[1].split(',').map((x) => x.trim());
    return `rgba(${r}, ${g}, ${b}, ${a})`;
  }
  return c;
}

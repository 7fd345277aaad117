// VS Code theme colors, read from the CSS variables VS Code sets on the webview (light, dark,
// high contrast), resolved to rgb() so canvas code can derive translucent shades. Charts
// re-read them when the theme changes (VS Code rewrites the variables and the body's class).

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export interface ThemeColors {
  kind: ThemeKind;
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  focus: string;
  error: string;
  warning: string;
  /** Series colors, in order. */
  palette: string[];
  font: string;
}

// VS Code's chart colors first, then terminal colors for more distinct hues.
const PALETTE_VARS = [
  '--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple',
  '--vscode-charts-red', '--vscode-charts-yellow', '--vscode-terminal-ansiCyan', '--vscode-terminal-ansiMagenta',
  '--vscode-terminal-ansiBrightBlue', '--vscode-terminal-ansiBrightGreen', '--vscode-terminal-ansiBrightRed', '--vscode-terminal-ansiBrightYellow',
];
// Used only when a variable is missing (a page outside VS Code).
const FALLBACK_PALETTE = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700', '#29b8db', '#bc3fbc', '#3b8eea', '#23d18b', '#f14c4c', '#f5f543'];

export function themeKind(): ThemeKind {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  return c.contains('vscode-light') ? 'light' : 'dark';
}

let probe: HTMLElement | undefined;

/** A CSS color expression (a var() with fallback) resolved to the browser's rgb()/rgba() form. */
export function resolveColor(expression: string): string {
  if (!probe) {
    probe = document.createElement('span');
    probe.style.display = 'none';
    document.body.append(probe);
  }
  probe.style.color = '';
  probe.style.color = expression;
  return getComputedStyle(probe).color;
}

function cssVar(name: string, fallback: string): string {
  return resolveColor(`var(${name}, ${fallback})`);
}

export function readTheme(): ThemeColors {
  const dark = themeKind() !== 'light' && themeKind() !== 'high-contrast-light';
  const foreground = cssVar('--vscode-editor-foreground', dark ? '#cccccc' : '#333333');
  return {
    kind: themeKind(),
    foreground,
    muted: cssVar('--vscode-descriptionForeground', dark ? '#9d9d9d' : '#717171'),
    grid: withAlpha(cssVar('--vscode-charts-lines', foreground), 0.25),
    background: cssVar('--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff'),
    focus: cssVar('--vscode-focusBorder', '#007fd4'),
    error: opaque(cssVar('--vscode-charts-red', '#f14c4c')),
    warning: opaque(cssVar('--vscode-charts-yellow', '#cca700')),
    palette: seriesPalette(),
    font: getComputedStyle(document.body).getPropertyValue('--vscode-font-family').trim() || 'system-ui, sans-serif',
  };
}

/**
 * The series colors, opaque and each once. Opaque because VS Code's own defaults are not all
 * line colors: in Dark Modern, Light Modern and Light+ (VS Code 1.139) charts.orange is left at
 * its default, minimap.findMatchHighlight → editor.findMatchHighlightBackground = #EA5C0055,
 * a 33% highlight that strokes a dark brown line on a dark editor and a pale peach one on a
 * light editor. Once because a theme may give two variables one color (Dark Modern's charts.red
 * and terminal.ansiBrightRed are both #f14c4c), and two runs would then look like one.
 */
function seriesPalette(): string[] {
  const colors = PALETTE_VARS.map((v, i) => opaque(cssVar(v, FALLBACK_PALETTE[i]!)));
  return colors.filter((color, i) => colors.indexOf(color) === i);
}

/** The color without its alpha (a translucent theme color drawn as a line or text). */
export function opaque(color: string): string {
  const rgb = /^rgba?\((\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?)/.exec(color);
  return rgb ? `rgb(${rgb[1]}, ${rgb[2]}, ${rgb[3]})` : color;
}

/** rgb(…)/rgba(…)/#rrggbb → rgba with the given alpha (other forms are returned unchanged). */
export function withAlpha(color: string, alpha: number): string {
  const rgb = /^rgba?\((\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?)/.exec(color);
  if (rgb) return `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${alpha})`;
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(color);
  if (hex) return `rgba(${parseInt(hex[1]!, 16)}, ${parseInt(hex[2]!, 16)}, ${parseInt(hex[3]!, 16)}, ${alpha})`;
  return color;
}

/** Calls `listener` (debounced to a frame) whenever VS Code switches or edits the theme. */
export function onThemeChange(listener: (theme: ThemeColors) => void): () => void {
  let frame = 0;
  const observer = new MutationObserver(() => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      listener(readTheme());
    });
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => observer.disconnect();
}

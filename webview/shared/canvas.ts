// A canvas sized to its box at the device pixel ratio, redrawn when the box or theme changes.
import { onThemeChange, readTheme, type ThemeColors } from './theme.ts';

export interface CanvasView {
  canvas: HTMLCanvasElement;
  width: number;
  height: number;
  context: CanvasRenderingContext2D;
  theme: ThemeColors;
}

export function sizedCanvas(box: HTMLElement, label: string, draw: (view: CanvasView) => void): { canvas: HTMLCanvasElement; redraw(): void } {
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  box.append(canvas);
  let theme = readTheme();
  let frame = 0;
  const redraw = () => {
    const rect = box.getBoundingClientRect();
    const width = Math.max(50, Math.floor(rect.width));
    const height = Math.max(50, Math.floor(rect.height));
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
    }
    const context = canvas.getContext('2d')!;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    draw({ canvas, width, height, context, theme });
  };
  const schedule = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      redraw();
    });
  };
  new ResizeObserver(schedule).observe(box);
  onThemeChange((next) => {
    theme = next;
    schedule();
  });
  return { canvas, redraw };
}

/** A color between two theme colors for t in [0, 1] (objective shading: worst → best). */
export function mix(from: string, to: string, t: number): string {
  const a = rgb(from);
  const b = rgb(to);
  const c = a.map((v, i) => Math.round(v + (b[i]! - v) * t));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

function rgb(color: string): number[] {
  const m = /(\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?)/.exec(color);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [128, 128, 128];
}

// Every form control the panels use, in one place: @vscode/webview-ui-toolkit components
// (themed and keyboard-reachable like VS Code's own), behind plain functions so swapping the
// toolkit later changes this file only. The toolkit has no slider: a native range input is used.
import {
  provideVSCodeDesignSystem, vsCodeBadge, vsCodeButton, vsCodeCheckbox, vsCodeDivider, vsCodeDropdown, vsCodeLink, vsCodeOption,
  vsCodeProgressRing, vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeBadge(), vsCodeButton(), vsCodeCheckbox(), vsCodeDivider(), vsCodeDropdown(), vsCodeLink(), vsCodeOption(), vsCodeProgressRing(), vsCodeTextField(),
  );
}

interface ValueElement extends HTMLElement { value: string; checked: boolean; disabled: boolean }

export interface ButtonOptions { appearance?: 'primary' | 'secondary' | 'icon'; title?: string; id?: string }

export function button(label: string, onClick: () => void, options: ButtonOptions = {}): HTMLElement {
  register();
  const el = document.createElement('vscode-button');
  el.textContent = label;
  el.setAttribute('appearance', options.appearance ?? 'secondary');
  if (options.title) {
    el.title = options.title;
    el.setAttribute('aria-label', options.title);
  }
  if (options.id) el.id = options.id;
  el.addEventListener('click', () => onClick());
  return el;
}

export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void, id?: string): HTMLElement {
  register();
  const el = document.createElement('vscode-checkbox') as unknown as ValueElement;
  el.textContent = label;
  el.checked = checked;
  if (id) el.id = id;
  el.addEventListener('change', () => onChange(el.checked));
  return el;
}

export function isChecked(el: HTMLElement): boolean {
  return (el as ValueElement).checked;
}

export interface Choice { value: string; label: string }

export interface Dropdown { element: HTMLElement; setChoices(choices: Choice[], value: string | null): void; value(): string }

export function dropdown(label: string, choices: Choice[], value: string | null, onChange: (value: string) => void, id?: string): Dropdown {
  register();
  const el = document.createElement('vscode-dropdown') as unknown as ValueElement;
  el.setAttribute('aria-label', label);
  el.title = label;
  if (id) el.id = id;
  const setChoices = (next: Choice[], selected: string | null) => {
    el.replaceChildren(...next.map((c) => {
      const option = document.createElement('vscode-option') as unknown as ValueElement;
      option.setAttribute('value', c.value);
      option.textContent = c.label;
      if (c.value === selected) option.setAttribute('selected', '');
      return option as unknown as HTMLElement;
    }));
    if (selected !== null) queueMicrotask(() => { el.value = selected; });
  };
  setChoices(choices, value);
  el.addEventListener('change', () => onChange(el.value));
  return { element: el, setChoices, value: () => el.value };
}

/** A text field; `label` is its accessible name (the placeholder by default). */
export function textField(placeholder: string, value: string, onInput: (value: string) => void, id?: string, label = placeholder): HTMLElement {
  register();
  const el = document.createElement('vscode-text-field') as unknown as ValueElement;
  el.setAttribute('placeholder', placeholder);
  el.setAttribute('aria-label', label);
  // The toolkit's text field sets aria-label to "Text field" when it joins the page (unless it
  // has text content, which would show as a visible label): put the name back each time.
  new MutationObserver(() => {
    if (el.getAttribute('aria-label') !== label) el.setAttribute('aria-label', label);
  }).observe(el, { attributes: true, attributeFilter: ['aria-label'] });
  el.value = value;
  if (id) el.id = id;
  el.addEventListener('input', () => onInput(el.value));
  el.addEventListener('change', () => onInput(el.value));
  return el;
}

export interface Slider { element: HTMLElement; input: HTMLInputElement; set(value: number): void }

export function slider(label: string, range: { min: number; max: number; step: number }, value: number, onInput: (value: number) => void,
  format: (value: number) => string, id?: string): Slider {
  const wrap = document.createElement('label');
  wrap.className = 'slider';
  const text = document.createElement('span');
  text.textContent = label;
  const input = document.createElement('input');
  input.type = 'range';
  input.min = String(range.min);
  input.max = String(range.max);
  input.step = String(range.step);
  input.value = String(value);
  if (id) input.id = id;
  const shown = document.createElement('output');
  shown.textContent = format(value);
  input.addEventListener('input', () => {
    shown.textContent = format(Number(input.value));
    onInput(Number(input.value));
  });
  wrap.append(text, input, shown);
  return { element: wrap, input, set: (v) => { input.value = String(v); shown.textContent = format(v); } };
}

export function link(label: string, onClick: () => void, title?: string): HTMLElement {
  register();
  const el = document.createElement('vscode-link');
  el.textContent = label;
  el.setAttribute('href', '#');
  if (title) el.title = title;
  el.addEventListener('click', (e) => {
    e.preventDefault();
    onClick();
  });
  return el;
}

export function badge(text: string): HTMLElement {
  register();
  const el = document.createElement('vscode-badge');
  el.textContent = text;
  return el;
}

export function divider(): HTMLElement {
  register();
  return document.createElement('vscode-divider');
}

export function progressRing(): HTMLElement {
  register();
  return document.createElement('vscode-progress-ring');
}

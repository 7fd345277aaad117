// Parses the overrides a person types when starting a run, the same way the CLI's --set does:
// `optimizer.lr=0.01 epochs=3 model.hidden=[128,64] name=wide` (values are JSON when they parse
// as JSON, strings otherwise). Keys are dotted paths into the spec; each pair is parsed by the
// spec module's parseOverride, the one the CLI uses.
import { HyperlabError } from '../../core/errors.ts';
import { parseOverride } from '../../core/spec/index.ts';
import type { Params, ParamValue } from '../../core/protocol/messages.ts';

/** The example the Run Experiment box shows; a unit test runs it against every template. */
export const OVERRIDES_EXAMPLE = 'optimizer.lr=0.01 epochs=3';

export function parseOverrides(text: string): Params {
  const overrides: Params = {};
  for (const token of tokenize(text)) {
    if (token === '--set') continue;
    const [key, value] = parseOverride(token);
    overrides[key] = value as ParamValue;
  }
  return overrides;
}

/** The error text for an input box's live validation, or undefined when the text parses. */
export function overridesError(text: string): string | undefined {
  try {
    parseOverrides(text);
    return undefined;
  } catch (error) {
    return error instanceof HyperlabError ? `${error.message} ${error.hint ?? ''}`.trim() : String(error);
  }
}

/** Splits on whitespace outside quotes and brackets, so `hidden=[128, 64]` stays one token. */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let depth = 0;
  let quote: string | null = null;
  for (const ch of text.trim()) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '[' || ch === '{') {
      depth++;
    } else if (ch === ']' || ch === '}') {
      depth = Math.max(0, depth - 1);
    } else if (/\s/.test(ch) && depth === 0) {
      if (current) tokens.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  if (current) tokens.push(current);
  return tokens;
}

// Finds where a dotted path ("train.clip.norm") sits in a JSON document's text, so the host can
// open a spec with the cursor on the field a remedy changes. When the field is absent it
// returns the deepest object on the path that exists (where the field would be added).

export interface JsonLocation {
  /** Offset of the key's name (or of the object's opening brace when the path stopped early). */
  offset: number;
  /** How many path segments were found (== path length when the field exists). */
  depth: number;
}

export function locateJsonPath(text: string, path: readonly string[]): JsonLocation {
  let pos = 0;
  const skipWs = () => {
    for (;;) {
      while (pos < text.length && /\s/.test(text[pos]!)) pos++;
      if (text.startsWith('//', pos)) { const nl = text.indexOf('\n', pos); pos = nl < 0 ? text.length : nl + 1; continue; }
      if (text.startsWith('/*', pos)) { const end = text.indexOf('*/', pos + 2); pos = end < 0 ? text.length : end + 2; continue; }
      return;
    }
  };
  const readString = (): string => {
    let out = '';
    pos++;
    while (pos < text.length && text[pos] !== '"') {
      if (text[pos] === '\\') { out += text[pos + 1] ?? ''; pos += 2; } else out += text[pos++];
    }
    pos++;
    return out;
  };
  const skipValue = (): void => {
    skipWs();
    const c = text[pos];
    if (c === '"') { readString(); return; }
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      pos++;
      for (;;) {
        skipWs();
        if (pos >= text.length || text[pos] === close) { pos++; return; }
        if (c === '{') { skipWs(); readString(); skipWs(); pos++; }
        skipValue();
        skipWs();
        if (text[pos] === ',') pos++;
      }
    }
    while (pos < text.length && !/[,}\]\s]/.test(text[pos]!)) pos++;
  };

  skipWs();
  let found: JsonLocation = { offset: pos, depth: 0 };
  for (let depth = 0; depth < path.length; depth++) {
    skipWs();
    if (text[pos] !== '{') return found;
    const objectStart = pos;
    pos++;
    let matched = false;
    for (;;) {
      skipWs();
      if (pos >= text.length || text[pos] === '}') break;
      if (text[pos] !== '"') return { offset: objectStart, depth };
      const keyOffset = pos;
      const key = readString();
      skipWs();
      pos++; // ':'
      if (key === path[depth]) {
        found = { offset: keyOffset, depth: depth + 1 };
        matched = true;
        break;
      }
      skipValue();
      skipWs();
      if (text[pos] === ',') pos++;
    }
    if (!matched) return depth === 0 ? found : { offset: found.offset, depth };
  }
  return found;
}

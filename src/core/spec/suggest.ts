// "did you mean" for misspelt names: the closest allowed name within a small edit distance.

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

export function closestName(input: string, allowed: readonly string[]): string | undefined {
  const wanted = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of allowed) {
    const d = editDistance(wanted, name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  const tolerance = Math.max(1, Math.floor(wanted.length / 3));
  if (bestDistance <= tolerance) return best;
  // A truncated name ("conv" for "conv2d") is a likely slip too.
  return wanted.length >= 3 ? allowed.find((name) => name.toLowerCase().startsWith(wanted)) : undefined;
}

export function didYouMean(input: string, allowed: readonly string[]): string {
  const close = closestName(input, allowed);
  return close === undefined ? '' : ` — did you mean "${close}"?`;
}

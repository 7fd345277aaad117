// Train and validation versions of one metric: keys that differ only in a "train" segment
// against a "val"/"valid"/"validation" segment ("epoch.train.loss" ↔ "epoch.val.loss",
// "train_loss" ↔ "val_loss").
export interface MetricPair { train: string; val: string }

const SEPARATORS = /([._\-/])/;
const VAL_WORDS = ['val', 'valid', 'validation'];

export function pairOf(key: string, keys: readonly string[]): MetricPair | null {
  const parts = key.split(SEPARATORS);
  for (let i = 0; i < parts.length; i += 2) {
    const word = parts[i]!.toLowerCase();
    if (word === 'train') {
      for (const v of VAL_WORDS) {
        const candidate = [...parts.slice(0, i), v, ...parts.slice(i + 1)].join('');
        if (keys.includes(candidate)) return { train: key, val: candidate };
      }
    } else if (VAL_WORDS.includes(word)) {
      const candidate = [...parts.slice(0, i), 'train', ...parts.slice(i + 1)].join('');
      if (keys.includes(candidate)) return { train: candidate, val: key };
    }
  }
  return null;
}

/** Accuracy-like metrics improve upward; losses and errors downward. */
export function higherIsBetter(key: string): boolean {
  return /(acc|accuracy|f1|auc|precision|recall|iou|score)(\b|$|[._\-/])/i.test(key);
}

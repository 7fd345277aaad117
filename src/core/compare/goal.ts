// Which way a metric improves, from its name: the conventions of the field (accuracy up, loss down).
import type { Goal } from './types.ts';

const HIGHER_IS_BETTER = /(^|[._/-])(acc|accuracy|f1|auc|precision|recall|score|iou|map|r2|top\d+)($|[._/-])/i;
const LOWER_IS_BETTER = /(^|[._/-])(loss|error|err|mse|mae|rmse|perplexity|ppl|nll|cer|wer)($|[._/-])/i;

export function goalOf(key: string): Goal | undefined {
  if (HIGHER_IS_BETTER.test(key)) return 'max';
  if (LOWER_IS_BETTER.test(key)) return 'min';
  return undefined;
}

// The one error compression raises: the request cannot be applied to this tensor or layer.
// The message names the tensor/layer and the offending value; the hint says what to change.
import { HyperlabError } from '../errors.ts';

export function compressError(subject: string, problem: string, hint: string): HyperlabError {
  return new HyperlabError('COMPRESS_INVALID', `${subject}: ${problem}`, hint);
}

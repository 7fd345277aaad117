// Typed errors that carry a message a user can act on. `code` is stable for tests and the CLI.

export type ErrorCode =
  | 'SPEC_INVALID'
  | 'SPEC_NOT_FOUND'
  | 'PROTOCOL_INVALID'
  | 'STORE_UNAVAILABLE'
  | 'STORE_SCHEMA'
  | 'STORE_INPUT'
  | 'RUN_NOT_FOUND'
  | 'DATASET_NOT_FOUND'
  | 'PRODUCER_FAILED'
  | 'KERNELS_UNAVAILABLE'
  | 'COMPRESS_INVALID'
  | 'EXPORT_FAILED'
  | 'USAGE'
  | 'SEARCH_EXHAUSTED'
  | 'SEARCH_STATE'
  | 'CLUSTER';

export class HyperlabError extends Error {
  readonly code: ErrorCode;
  /** What to do about it, in one sentence. */
  readonly hint: string | undefined;
  constructor(code: ErrorCode, message: string, hint?: string) {
    super(message);
    this.name = 'HyperlabError';
    this.code = code;
    this.hint = hint;
  }
  /** The message and the hint, as shown to a person. */
  describe(): string {
    return this.hint ? `${this.message}\n  ${this.hint}` : this.message;
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof HyperlabError) return error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
}

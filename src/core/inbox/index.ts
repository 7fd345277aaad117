// Ingestion of the workspace inbox (.hyperlab/inbox): see sync.ts.
export { DEFAULT_CHUNK_BYTES, DEFAULT_SILENCE_MS, INBOX_FOLDER, INBOX_SUFFIX, STALLED_REASON, inboxBeside, inboxFiles, syncInbox } from './sync.ts';
export type { SyncOptions, SyncReport } from './sync.ts';
export { DEFAULT_INBOX_EXPERIMENT } from './apply-messages.ts';

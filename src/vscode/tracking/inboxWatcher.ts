// Scripts started anywhere (a terminal, tmux, a notebook) with the Python client write their runs
// to the workspace's inbox (.hyperlab/inbox/*.jsonl); this ingests them into the store as they
// grow, so their runs appear and their curves grow in the Run Explorer and the panels while they
// train. The ingestion is the CLI's own (`hyperlab sync`): idempotent, whole lines only, a silent
// writer's run failed and revived if it resumes. A file watcher wakes it; a slow poll covers
// appends a watcher may coalesce or miss.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors.ts';
import { inboxBeside, inboxFiles, syncInbox } from '../../core/inbox/index.ts';
import type { Logger } from '../../core/log.ts';
import type { StoreSession } from '../store/storeSession.ts';

const DEBOUNCE_MS = 250;
const POLL_MS = 2000;
/** A silent writer is only noticed by a sync: one runs at least this often even when nothing grew. */
const FULL_SYNC_MS = 60_000;

export class InboxWatcher implements vscode.Disposable {
  private readonly session: StoreSession;
  private readonly logger: Logger;
  private readonly poller: ReturnType<typeof setInterval>;
  private watcher: vscode.FileSystemWatcher | undefined;
  private watchedDir: string | undefined;
  private pending: ReturnType<typeof setTimeout> | undefined;
  private lastSeen = '';
  private lastFull = 0;
  private failing = false;

  constructor(session: StoreSession, logger: Logger) {
    this.session = session;
    this.logger = logger;
    this.poller = setInterval(() => this.schedule(), POLL_MS);
    this.schedule();
  }

  /** Ingests what the inbox gained since the last look; returns the points added. */
  syncNow(): number {
    const storePath = this.session.path();
    if (!storePath) return 0;
    const inbox = inboxBeside(storePath);
    this.watch(inbox);
    const names = inboxFiles(inbox);
    if (names.length === 0) return 0;
    // Cheap check first: nothing to read when no file changed size since the last sync.
    const seen = names.map((name) => `${name}:${sizeOf(`${inbox}/${name}`)}`).join('|');
    if (seen === this.lastSeen && Date.now() - this.lastFull < FULL_SYNC_MS) return 0;
    try {
      const report = syncInbox(this.session.require(), inbox);
      this.lastSeen = seen;
      this.lastFull = Date.now();
      this.failing = false;
      if (report.runsCreated > 0 || report.points > 0 || report.stalled > 0) {
        this.logger.log('info', `inbox: ${report.points} points, ${report.runsCreated} new run(s), ${report.runsEnded} ended, ${report.stalled} silent from ${report.files} file(s)`);
      }
      for (const problem of report.problems) this.logger.log('warn', `inbox: ${problem}`);
      return report.points;
    } catch (error) {
      // Said once per failure streak (a locked store is retried on the next tick).
      if (!this.failing) this.logger.log('warn', `inbox: could not ingest ${inbox}: ${errorMessage(error)}`);
      this.failing = true;
      return 0;
    }
  }

  dispose(): void {
    clearInterval(this.poller);
    if (this.pending) clearTimeout(this.pending);
    this.watcher?.dispose();
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.syncNow();
    }, DEBOUNCE_MS);
  }

  private watch(inbox: string): void {
    if (this.watchedDir === inbox || !fs.existsSync(inbox)) return;
    this.watcher?.dispose();
    this.watchedDir = inbox;
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(inbox), '*.jsonl'));
    this.watcher.onDidCreate(() => this.schedule());
    this.watcher.onDidChange(() => this.schedule());
  }
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return -1;
  }
}

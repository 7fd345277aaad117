// The one-line progress of `hyperlab run` on stderr: redrawn in place on a terminal, at most
// one line a second otherwise (logs and CI).
import { formatNumber } from '../format.ts';
import type { CliIO } from '../io.ts';

export class Progress {
  private readonly io: CliIO;
  private readonly runId: number;
  private readonly startedAt = Date.now();
  private readonly latest: { [key: string]: number } = {};
  private lastPrinted = 0;
  private drawn = false;

  constructor(io: CliIO, runId: number) {
    this.io = io;
    this.runId = runId;
    io.stderr(`run ${runId} started\n`);
  }

  update(step: number, latest: { [key: string]: number }): void {
    Object.assign(this.latest, latest);
    const now = Date.now();
    if (!this.io.stderrIsTTY && now - this.lastPrinted < 1000) return;
    this.lastPrinted = now;
    const values = Object.entries(this.latest).slice(0, 4).map(([k, v]) => `${k} ${formatNumber(v)}`).join(' · ');
    const line = `run ${this.runId} · step ${step} · ${values} · ${((now - this.startedAt) / 1000).toFixed(1)}s`;
    if (this.io.stderrIsTTY) {
      this.io.stderr(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else {
      this.io.stderr(`${line}\n`);
    }
  }

  note(message: string): void {
    this.end();
    this.io.stderr(`${message}\n`);
  }

  end(): void {
    if (this.drawn) this.io.stderr('\n');
    this.drawn = false;
  }
}

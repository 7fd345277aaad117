// What a user says about a run (name, tags, a note, a star) and the producer's training plan,
// kept beside the runs table (migration 8) so the run rows and their readers stay as they are.
import { HyperlabError } from '../errors.ts';
import type { TrainingPlan } from '../protocol/messages.ts';
import type { PreparedStatement } from './driver.ts';
import { num, str, strOrNull } from './values.ts';

export interface RunAnnotation {
  runId: number;
  tags: string[];
  note: string | null;
  starred: boolean;
  plan: TrainingPlan | null;
  /** ms since epoch when the plan arrived (the ETA's reference point), or null. */
  planTime: number | null;
}

export const MAX_TAG_LENGTH = 64;
export const MAX_NOTE_LENGTH = 10_000;
export const MAX_NAME_LENGTH = 200;

/** The Tag Run box's examples (a unit test runs them): tags as typed, and the Comparison filter that finds them. */
export const TAGS_EXAMPLE = 'baseline best-lr';
export const TAG_FILTER_EXAMPLE = 'tag=baseline';

/** Tags as a person types them in the Tag Run box: separated by spaces or commas, each once. */
export function parseTagList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((t) => t !== ''))];
}

/** A tag as stored: trimmed, no spaces or commas (they separate tags where people type them). */
export function checkTag(tag: string): string {
  const t = tag.trim();
  if (t === '' || t.length > MAX_TAG_LENGTH || /[\s,]/.test(t)) {
    throw new HyperlabError('STORE_INPUT', `tag ${JSON.stringify(tag)}: a tag is 1 to ${MAX_TAG_LENGTH} characters without spaces or commas`, 'Use e.g. baseline, best-lr or needs-rerun.');
  }
  return t;
}

export function checkName(name: string): string {
  const n = name.trim();
  if (n === '' || n.length > MAX_NAME_LENGTH) {
    throw new HyperlabError('STORE_INPUT', `run name ${JSON.stringify(name.slice(0, 40))}: a name is 1 to ${MAX_NAME_LENGTH} characters`, 'Type a short name, e.g. lr=0.01 adam.');
  }
  return n;
}

type Sql = (text: string) => PreparedStatement;

/** The SQL of annotations, run inside the store's write transactions (the store emits the events). */
export class RunAnnotations {
  private readonly sql: Sql;

  constructor(sql: Sql) {
    this.sql = sql;
  }

  private ensureRow(runId: number): void {
    this.sql('INSERT INTO run_annotations (run_id) VALUES (?) ON CONFLICT (run_id) DO NOTHING').run(runId);
  }

  rename(runId: number, name: string): number {
    return this.sql('UPDATE runs SET name = ? WHERE id = ?').run(checkName(name), runId).changes;
  }

  setNote(runId: number, note: string | null): void {
    const text = note === null || note.trim() === '' ? null : note.trim();
    if (text !== null && text.length > MAX_NOTE_LENGTH) {
      throw new HyperlabError('STORE_INPUT', `note: ${text.length} characters, more than ${MAX_NOTE_LENGTH}`, 'Keep the note short; long write-ups belong in a file of the project.');
    }
    this.ensureRow(runId);
    this.sql('UPDATE run_annotations SET note = ? WHERE run_id = ?').run(text, runId);
  }

  setStarred(runId: number, starred: boolean): void {
    this.ensureRow(runId);
    this.sql('UPDATE run_annotations SET starred = ? WHERE run_id = ?').run(starred ? 1 : 0, runId);
  }

  addTags(runId: number, tags: readonly string[]): void {
    // run_tags (migration 7) holds key/value labels: a plain tag is a key with the value ''.
    const insert = this.sql("INSERT INTO run_tags (run_id, key, value) VALUES (?, ?, '') ON CONFLICT DO NOTHING");
    for (const tag of tags.map(checkTag)) insert.run(runId, tag);
  }

  removeTags(runId: number, tags: readonly string[]): void {
    const remove = this.sql('DELETE FROM run_tags WHERE run_id = ? AND key = ?');
    for (const tag of tags) remove.run(runId, tag.trim().split('=')[0]!);
  }

  setPlan(runId: number, plan: TrainingPlan, time: number): void {
    this.ensureRow(runId);
    this.sql('UPDATE run_annotations SET plan = ?, plan_time = ? WHERE run_id = ?').run(JSON.stringify(plan), time, runId);
  }

  /** Annotations of the given runs (all runs when omitted); a run without any has none in the map. */
  read(runIds?: readonly number[]): Map<number, RunAnnotation> {
    const filter = runIds === undefined ? '' : 'WHERE run_id IN (SELECT value FROM json_each(?))';
    const args = runIds === undefined ? [] : [JSON.stringify(runIds)];
    const result = new Map<number, RunAnnotation>();
    const get = (runId: number): RunAnnotation => {
      let a = result.get(runId);
      if (!a) {
        a = { runId, tags: [], note: null, starred: false, plan: null, planTime: null };
        result.set(runId, a);
      }
      return a;
    };
    for (const row of this.sql(`SELECT run_id, note, starred, plan, plan_time FROM run_annotations ${filter}`).all(...args)) {
      const a = get(num(row.run_id));
      a.note = strOrNull(row.note);
      a.starred = num(row.starred) === 1;
      const plan = strOrNull(row.plan);
      a.plan = plan === null ? null : (JSON.parse(plan) as TrainingPlan);
      a.planTime = row.plan_time === null || row.plan_time === undefined ? null : num(row.plan_time);
    }
    // A key/value label (from MLflow or a script's init(tags=…)) reads as key=value.
    for (const row of this.sql(`SELECT run_id, key, value FROM run_tags ${filter} ORDER BY run_id, key`).all(...args)) {
      get(num(row.run_id)).tags.push(str(row.value) === '' ? str(row.key) : `${str(row.key)}=${str(row.value)}`);
    }
    return result;
  }
}

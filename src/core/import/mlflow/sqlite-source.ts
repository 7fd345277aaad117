// Reads runs from an MLflow tracking database (sqlite backend, `sqlite:///mlflow.db`), read-only.
import { HyperlabError, errorMessage } from '../../errors.ts';
import { silentLogger } from '../../log.ts';
import type { Driver, SqlValue } from '../../store/driver.ts';
import { defaultLoaders, openDriver } from '../../store/open-driver.ts';
import type { MlflowRun } from './types.ts';

export function readMlflowSqlite(file: string): MlflowRun[] {
  let db: Driver;
  try {
    db = openDriver(file, 'auto', true, defaultLoaders, silentLogger);
  } catch (error) {
    throw new HyperlabError('USAGE', `hyperlab import mlflow: cannot open ${file} as SQLite: ${errorMessage(error)}`, 'Pass an MLflow sqlite:/// tracking URI or the mlruns/ folder of a file store.');
  }
  try {
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => String(r.name)));
    for (const table of ['experiments', 'runs', 'metrics', 'params', 'tags']) {
      if (!tables.has(table)) throw new HyperlabError('USAGE', `hyperlab import mlflow: ${file} has no "${table}" table: not an MLflow tracking database`, 'Pass the database of `mlflow server --backend-store-uri sqlite:///...`, or an mlruns/ folder.');
    }
    const runs = db.prepare(`SELECT r.run_uuid, r.name, r.status, r.start_time, r.end_time, e.name AS experiment
      FROM runs AS r JOIN experiments AS e ON e.experiment_id = r.experiment_id
      WHERE r.lifecycle_stage = 'active' AND e.lifecycle_stage = 'active' ORDER BY r.start_time, r.run_uuid`).all();
    const params = db.prepare('SELECT key, value FROM params WHERE run_uuid = ? ORDER BY key');
    const tags = db.prepare('SELECT key, value FROM tags WHERE run_uuid = ? ORDER BY key');
    const metrics = db.prepare('SELECT key, value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? ORDER BY key, step, timestamp');
    return runs.map((r) => {
      const runId = String(r.run_uuid);
      return {
        runId,
        experiment: String(r.experiment),
        name: r.name === null ? runId : String(r.name),
        status: String(r.status),
        startTime: numOrNull(r.start_time),
        endTime: numOrNull(r.end_time),
        params: params.all(runId).map((p) => [String(p.key), String(p.value ?? '')]),
        tags: tags.all(runId).map((t) => [String(t.key), String(t.value ?? '')]),
        metrics: metrics.all(runId).map((m) => ({
          key: String(m.key),
          value: Number(m.is_nan) === 1 ? Number.NaN : Number(m.value),
          timestamp: Number(m.timestamp),
          step: Number(m.step),
        })),
      };
    });
  } finally {
    db.close();
  }
}

function numOrNull(value: SqlValue | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

"""An independent reader of an MLflow sqlite store (Python's sqlite3, not Hyperlab's code): prints
every active run with its params, tags and metric points as JSON."""
import json
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
runs = []
for run_uuid, name, status, start, end, experiment in db.execute(
        "SELECT r.run_uuid, r.name, r.status, r.start_time, r.end_time, e.name FROM runs r JOIN experiments e ON e.experiment_id = r.experiment_id WHERE r.lifecycle_stage = 'active'"):
    runs.append({
        "runId": run_uuid, "name": name, "status": status, "startTime": start, "endTime": end, "experiment": experiment,
        "params": dict(db.execute("SELECT key, value FROM params WHERE run_uuid = ?", (run_uuid,))),
        "tags": dict(db.execute("SELECT key, value FROM tags WHERE run_uuid = ?", (run_uuid,))),
        "metrics": [{"key": k, "value": v, "timestamp": t, "step": s}
                    for k, v, t, s in db.execute("SELECT key, value, timestamp, step FROM metrics WHERE run_uuid = ?", (run_uuid,))],
    })
json.dump(runs, sys.stdout)

// `hyperlab import tensorboard DIR`: every folder under DIR that holds TensorBoard event files
// (events.out.tfevents.*) becomes one run; its scalar tags become metric keys with their steps
// and wall times. The run is named by the folder's path under DIR ("lr0.1/train"), filed under
// the experiment given, else DIR's own name. Importing the same folder again adds nothing.
import fs from 'node:fs';
import path from 'node:path';
import { HyperlabError } from '../../errors.ts';
import type { MetricPoint, Store } from '../../store/index.ts';
import { alreadyImported, SOURCE_TAG, type ImportReport } from '../report.ts';
import { decodeEvents } from './events.ts';
import { readTfRecords } from './tfrecord.ts';

const EVENT_FILE = /^events\.out\.tfevents\./;

export function importTensorBoard(store: Store, dir: string, options: { experiment?: string } = {}): ImportReport {
  const root = path.resolve(dir);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    throw new HyperlabError('USAGE', `hyperlab import tensorboard: ${root} is not a folder`, 'Pass the log folder you give TensorBoard with --logdir.');
  }
  const folders = eventFolders(root);
  if (folders.length === 0) {
    throw new HyperlabError('USAGE', `hyperlab import tensorboard: no event files (events.out.tfevents.*) under ${root}`, 'Pass the log folder you give TensorBoard with --logdir.');
  }
  const experiment = options.experiment ?? path.basename(root);
  const report: ImportReport = { runs: [], skippedRuns: 0, points: 0, warnings: [] };
  const imported = alreadyImported(store);
  for (const folder of folders) {
    const source = `tensorboard:${folder}`;
    if (imported.has(source)) {
      report.skippedRuns++;
      continue;
    }
    const points: MetricPoint[] = [];
    let skipped = 0;
    for (const file of fs.readdirSync(folder).filter((name) => EVENT_FILE.test(name)).sort()) {
      const { records, stoppedAt } = readTfRecords(fs.readFileSync(path.join(folder, file)));
      if (stoppedAt) report.warnings.push(`${path.relative(root, path.join(folder, file))}: stopped at byte ${stoppedAt.offset}: ${stoppedAt.reason}`);
      const decoded = decodeEvents(records);
      skipped += decoded.skipped;
      for (const s of decoded.scalars) points.push({ key: s.tag, step: s.step, time: s.wallTime * 1000, value: s.value });
    }
    if (skipped > 0) report.warnings.push(`${path.relative(root, folder) || '.'}: ${skipped} non-scalar summaries (text, images, histograms) not imported`);
    const name = path.relative(root, folder) || path.basename(folder);
    const run = store.createRun({ experiment, name });
    store.setTags(run.id, { [SOURCE_TAG]: source });
    // The events keep their order: a tag written twice at one step keeps the later value, as TensorBoard shows it.
    store.appendMetrics(run.id, points);
    store.endRun(run.id, 'finished', null);
    if (points.length > 0) {
      let first = Infinity;
      let last = -Infinity;
      for (const p of points) {
        if (p.time < first) first = p.time;
        if (p.time > last) last = p.time;
      }
      store.setRunTimes(run.id, { createdAt: first, startedAt: first, endedAt: last });
    }
    report.runs.push({ id: run.id, experiment, name, points: points.length });
    report.points += points.length;
  }
  return report;
}

function eventFolders(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && EVENT_FILE.test(e.name))) out.push(dir);
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) if (e.isDirectory()) visit(path.join(dir, e.name));
  };
  visit(root);
  return out;
}

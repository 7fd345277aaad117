// CSV datasets: numeric feature columns and one label column (any text; classes are the distinct
// labels in sorted order, numerically when every label is a number).
import { HyperlabError } from '../../core/errors.ts';
import type { Column } from '../../core/spec/types.ts';

export interface CsvOptions {
  labelColumn: Column;
  featureColumns: Column[] | null;
  header: boolean;
  delimiter: string;
}

export interface CsvTable {
  features: Float32Array;
  labels: Int32Array;
  rows: number;
  featureNames: string[];
  classNames: string[];
}

function splitLine(line: string, delimiter: string): string[] {
  // Quoted fields ("a,b") are honoured; CSV numbers rarely need more.
  if (!line.includes('"')) return line.split(delimiter).map((f) => f.trim());
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (line.startsWith(delimiter, i)) { out.push(field.trim()); field = ''; i += delimiter.length - 1; } else field += c;
  }
  out.push(field.trim());
  return out;
}

function resolveColumn(column: Column, names: string[], source: string, field: string): number {
  if (typeof column === 'number') {
    const index = column < 0 ? names.length + column : column;
    if (index < 0 || index >= names.length) {
      throw new HyperlabError('SPEC_INVALID', `${field}: column index ${column} is outside the ${names.length} columns of ${source}`,
        `Use an index between ${-names.length} and ${names.length - 1}, or a column name.`);
    }
    return index;
  }
  const index = names.indexOf(column);
  if (index < 0) {
    throw new HyperlabError('SPEC_INVALID', `${field}: ${source} has no column "${column}"; its columns are ${names.join(', ')}`,
      'Use one of those names, or a 0-based index.');
  }
  return index;
}

export function parseCsv(text: string, options: CsvOptions, source: string): CsvTable {
  const lines = text.split(/\r?\n/);
  const records: { line: number; fields: string[] }[] = [];
  lines.forEach((line, i) => { if (line.trim() !== '') records.push({ line: i + 1, fields: splitLine(line, options.delimiter) }); });
  if (records.length === 0) throw new HyperlabError('SPEC_INVALID', `${source} is empty`, 'Give data.path a CSV file with rows of features and a label.');
  const width = records[0]!.fields.length;
  const names = options.header ? records.shift()!.fields : Array.from({ length: width }, (_, i) => `column${i}`);
  if (records.length === 0) throw new HyperlabError('SPEC_INVALID', `${source} has a header but no rows`, 'Add data rows below the header.');
  const labelIndex = resolveColumn(options.labelColumn, names, source, 'data.csv.labelColumn');
  const featureIndices = options.featureColumns === null
    ? names.map((_, i) => i).filter((i) => i !== labelIndex)
    : options.featureColumns.map((c, k) => resolveColumn(c, names, source, `data.csv.featureColumns.${k}`));
  if (featureIndices.includes(labelIndex)) {
    throw new HyperlabError('SPEC_INVALID', `data.csv.featureColumns: includes the label column "${names[labelIndex]}"`, 'Leave the label out of the feature columns.');
  }
  const rows = records.length;
  const features = new Float32Array(rows * featureIndices.length);
  const rawLabels: string[] = [];
  records.forEach(({ line, fields }, r) => {
    if (fields.length !== names.length) {
      throw new HyperlabError('SPEC_INVALID', `${source}:${line}: ${fields.length} fields where the ${options.header ? 'header has' : 'first row has'} ${names.length}`,
        `Check line ${line} for a missing or extra "${options.delimiter}".`);
    }
    featureIndices.forEach((c, k) => {
      const text = fields[c]!;
      const value = Number(text);
      if (text === '' || !Number.isFinite(value)) {
        throw new HyperlabError('SPEC_INVALID', `${source}:${line}: column "${names[c]}" holds ${JSON.stringify(text)}, not a number`,
          'Feature columns must be numeric; choose them with data.csv.featureColumns.');
      }
      features[r * featureIndices.length + k] = value;
    });
    rawLabels.push(fields[labelIndex]!);
  });
  const distinct = [...new Set(rawLabels)];
  const numeric = distinct.every((l) => l !== '' && Number.isFinite(Number(l)));
  distinct.sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  const classOf = new Map(distinct.map((l, i) => [l, i]));
  const labels = Int32Array.from(rawLabels, (l) => classOf.get(l)!);
  return { features, labels, rows, featureNames: featureIndices.map((i) => names[i]!), classNames: distinct };
}

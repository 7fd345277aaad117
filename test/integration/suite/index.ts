// The integration suite's entry (extensionTestsPath): VS Code calls run() inside the extension
// host once the workbench is up. Bundled to out/integration/suite.cjs by ../buildSuite.ts.
import './activation.suite.ts';
import './runs.suite.ts';
import './everyday.suite.ts';
import './producer.suite.ts';
import { runAll } from './harness.ts';

export async function run(): Promise<void> {
  const results = await runAll(process.env.HYPERLAB_SUITE_RESULTS);
  const failed = results.filter((r) => !r.ok);
  console.log(`EXT-TEST done: ${results.length - failed.length} passed, ${failed.length} failed`);
  if (failed.length > 0) throw new Error(`${failed.length} integration test(s) failed: ${failed.map((f) => f.name).join('; ')}`);
}

// A minimal test runner for inside the extension host (no mocha in this project): tests run
// one after another, each result is printed and written as JSON for the outer node:test runner.
import fs from 'node:fs';

export interface TestResult { name: string; ok: boolean; error: string | null; ms: number }
/** What the results file holds: how many tests were registered, and the results so far. */
export interface SuiteReport { planned: number; results: TestResult[]; notes: string[] }

type TestFn = () => Promise<void> | void;
const tests: { name: string; fn: TestFn }[] = [];
const notes: string[] = [];

/** A figure worth reporting (not asserted), printed by the outer runner. */
export function note(text: string): void {
  notes.push(text);
}

/** A hang guard, not a timing assertion: a stuck test fails with a message instead of freezing CI. */
const HANG_GUARD_MS = 90_000;

export function test(name: string, fn: TestFn): void {
  tests.push({ name, fn });
}

export async function runAll(resultsFile: string | undefined): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const { name, fn } of tests) {
    const t0 = Date.now();
    let error: string | null = null;
    let guard: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(fn),
        new Promise((_, reject) => { guard = setTimeout(() => reject(new Error(`still running after ${HANG_GUARD_MS / 1000}s`)), HANG_GUARD_MS); }),
      ]);
    } catch (e) {
      error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    } finally {
      clearTimeout(guard);
    }
    const result = { name, ok: error === null, error, ms: Date.now() - t0 };
    results.push(result);
    console.log(`EXT-TEST ${result.ok ? 'ok  ' : 'FAIL'} ${name} (${result.ms} ms)${error ? `\n${error}` : ''}`);
    if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify({ planned: tests.length, results, notes } satisfies SuiteReport, null, 2));
  }
  return results;
}

// Compiles the AssemblyScript kernels (assembly/) into two WebAssembly modules next to the
// engine bundle: dist/kernels-relaxed.wasm (SIMD + relaxed SIMD's fused multiply-add) and
// dist/kernels-simd.wasm (plain SIMD, for runtimes without relaxed SIMD). The engine picks one
// at load time (src/engine/kernels/wasm-loader.ts). Skips the work when both are newer than
// every source. Run alone with `node scripts/build-wasm.mjs [--force]`.
import asc from 'assemblyscript/asc';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
const sourceDir = path.join(root, 'assembly');
export const WASM_VARIANTS = {
  relaxed: ['--enable', 'simd', '--enable', 'relaxed-simd'],
  simd: ['--enable', 'simd'],
};

function newestSource() {
  return Math.max(...fs.readdirSync(sourceDir).filter((f) => f.endsWith('.ts')).map((f) => fs.statSync(path.join(sourceDir, f)).mtimeMs));
}

/** Builds the kernel modules into outDir (default dist/); returns the files written or kept. */
export async function buildWasm({ outDir = path.join(root, 'dist'), force = false } = {}) {
  fs.mkdirSync(outDir, { recursive: true });
  const newest = newestSource();
  const files = [];
  for (const [variant, features] of Object.entries(WASM_VARIANTS)) {
    const out = path.join(outDir, `kernels-${variant}.wasm`);
    files.push(out);
    if (!force && fs.existsSync(out) && fs.statSync(out).mtimeMs >= newest) continue;
    const args = [
      path.join(sourceDir, 'index.ts'), ...features, '--enable', 'threads',
      '-O3', '--noAssert', '--runtime', 'stub',
      // one shared memory, made by the engine: growing it never detaches the views layers hold
      '--importMemory', '--sharedMemory', '--initialMemory', '16', '--maximumMemory', '32768',
      '--outFile', out,
    ];
    const { error, stderr } = await asc.main(args);
    if (error) throw new Error(`asc failed for kernels-${variant}.wasm: ${error.message}\n${stderr.toString()}`);
  }
  return files;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const files = await buildWasm({ force: process.argv.includes('--force') });
  for (const f of files) console.log(`${path.relative(root, f)} ${fs.statSync(f).size} bytes`);
}

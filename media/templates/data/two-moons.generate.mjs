// Regenerates two-moons.csv: node two-moons.generate.mjs > two-moons.csv
// Deterministic two-moons: 300 points per class on two half circles, plus seeded noise (σ = 0.15).
let s = 12345;
const rnd = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
const normal = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
const rows = ['x1,x2,label'];
for (let i = 0; i < 600; i++) {
  const c = i % 2, t = Math.PI * rnd();
  const x = c === 0 ? Math.cos(t) : 1 - Math.cos(t), y = c === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
  rows.push(`${(x + 0.15 * normal()).toFixed(4)},${(y + 0.15 * normal()).toFixed(4)},${c === 0 ? 'upper' : 'lower'}`);
}
process.stdout.write(rows.join('\n') + '\n');

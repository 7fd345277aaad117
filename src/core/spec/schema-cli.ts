// Writes the generated JSON Schema to the path given as the first argument:
//   node src/core/spec/schema-cli.ts media/schema/hyperlab.schema.json
import fs from 'node:fs';
import { specSchema } from './schema.ts';

const target = process.argv[2];
if (!target) {
  process.stderr.write('usage: node src/core/spec/schema-cli.ts OUTPUT.json\n');
  process.exit(2);
}
fs.writeFileSync(target, JSON.stringify(specSchema(), null, 2) + '\n');

// node ort-node.mjs PACKAGES CASE: runs CASE/cases.json in onnxruntime-node installed under PACKAGES; prints the results as JSON.
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCases } from './ort-cases.mjs';

const [packages, folder] = process.argv.slice(2);
const ort = createRequire(join(packages, 'package.json'))('onnxruntime-node');
const read = async (file) => new Uint8Array(await readFile(join(folder, file)));
const cases = JSON.parse(await readFile(join(folder, 'cases.json'), 'utf8'));
process.stdout.write(JSON.stringify(await runCases(ort, read, cases, { fed: true, adapters: false })));

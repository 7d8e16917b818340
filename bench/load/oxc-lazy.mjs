#!/usr/bin/env node
// How much of an oxc-parser parse is building the JavaScript tree: CPU time to parse the given
// files with raw transfer (the tree built eagerly, as the transform parses) and with lazy
// deserialisation without reading the tree (the native parse alone: the bound on what parsing only
// the parts the planner walks could save), and through JSON. Four rounds, in one process.
// `node bench/load/oxc-lazy.mjs <glob> [<glob> …]`
import { globSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const oxc = createRequire(import.meta.url)('oxc-parser');
const texts = process.argv.slice(2).flatMap((g) => globSync(g)).map((f) => readFileSync(f, 'utf8'));
const mb = texts.reduce((sum, text) => sum + text.length, 0) / 1e6;
const options = { lang: 'js', sourceType: 'module', preserveParens: true, showSemanticErrors: true };
function cpu(extra) {
  const start = process.cpuUsage();
  for (const text of texts) {
    const result = oxc.parseSync('input.mjs', text, { ...options, ...extra });
    if (result.program === undefined) throw new Error('no program');
    result.dispose?.();
  }
  const used = process.cpuUsage(start);
  return ((used.user + used.system) / 1000).toFixed(0);
}
for (let round = 0; round < 4; round++) {
  console.log(`${mb.toFixed(2)} MB: raw transfer ${cpu({ experimentalRawTransfer: true })} ms, lazy (tree not read) ${cpu({ experimentalLazy: true })} ms, JSON ${cpu({})} ms`);
}

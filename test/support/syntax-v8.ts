/**
 * Child process of test/syntax.test.ts (run with --experimental-vm-modules): reads a JSON array of
 * [goal, code] pairs on stdin and prints a JSON array of V8's verdicts, one per pair — null when
 * the code compiles, else the error message. It compiles only; nothing is run.
 */

import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const batch = JSON.parse(readFileSync(0, 'utf8')) as Array<['script' | 'module', string]>;
const verdicts = batch.map(([goal, code]) => {
  try {
    if (goal === 'module') new vm.SourceTextModule(code);
    else new vm.Script(code);
    return null;
  } catch (error) {
    return String((error as Error)?.message ?? error);
  }
});
process.stdout.write(JSON.stringify(verdicts));

#!/usr/bin/env node
// Runs the test suite with node:test. The Node.js that runs the tests (and every program they
// spawn) is AWAITWHAT_TEST_NODE when set (CI sets it to 22, 24 and 26 in turn), else this one.
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';

const node = process.env.AWAITWHAT_TEST_NODE || process.execPath;
const files = process.argv.slice(2).length > 0 ? process.argv.slice(2) : globSync('test/**/*.test.ts').sort();
const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
console.log(`# node ${version} (${node})`);
const result = spawnSync(node, ['--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env: { ...process.env, AWAITWHAT_TEST_NODE: node },
});
process.exit(result.status ?? 1);

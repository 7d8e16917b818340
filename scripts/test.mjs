#!/usr/bin/env node
// Runs the test suite with node:test. The Node.js that runs the tests (and every program they
// spawn) is AWAITWHAT_TEST_NODE when set (CI sets it to 22, 24 and 26 in turn), else this one.
// The OpenTelemetry tests run once more against SDK 2.x when test/compat/sdk2 is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, globSync } from 'node:fs';

const node = process.env.AWAITWHAT_TEST_NODE || process.execPath;
const explicit = process.argv.slice(2);
// Not the tests of packages installed for the tests (test/packages/node_modules).
const files = explicit.length > 0 ? explicit : globSync('test/**/*.test.ts').filter((f) => !f.split(/[\\/]/).includes('node_modules')).sort();
const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();

function suite(label, args, env = {}) {
  console.log(`# ${label}: node ${version} (${node})`);
  const result = spawnSync(node, ['--test', '--test-reporter=spec', ...args], { stdio: 'inherit', env: { ...process.env, AWAITWHAT_TEST_NODE: node, ...env } });
  return result.status ?? 1;
}

let status = suite('all tests', files);
if (explicit.length === 0) {
  if (existsSync('test/compat/sdk2/node_modules')) status ||= suite('OpenTelemetry tests on SDK 2.x', ['test/otel.test.ts'], { AWAITWHAT_OTEL_SDK: '2' });
  else console.log('# OpenTelemetry SDK 2.x tests not run: install them with `npm ci --prefix test/compat/sdk2` (.ci/run does)');
}
process.exit(status);

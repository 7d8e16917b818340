/**
 * The Prometheus alerting rules shipped in examples/prometheus, replayed by `promtool test rules`:
 * a 50-minute hang fires within the threshold plus the rule's `for` and stays firing until it ends
 * (gauges) or until the reports' window has passed (span metrics, both naming conventions); a short
 * wait does not fire. Needs promtool (Debian's `prometheus` package; .ci/run installs it): without
 * it the test is skipped with that reason, which CI (AWAITWHAT_CI=1) turns into a failure.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './support/run.ts';

const DIR = join(ROOT, 'examples', 'prometheus');
const found = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const NO_PROMTOOL = found.error !== undefined || found.status !== 0 ? 'no promtool: install Debian\'s prometheus package (apt-get install prometheus; .ci/run does)' : false;

describe('Prometheus rules in examples/prometheus', () => {
  it('are valid rules (promtool check rules)', { skip: NO_PROMTOOL }, () => {
    const r = spawnSync('promtool', ['check', 'rules', 'awaitwhat-rules.yml'], { cwd: DIR, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SUCCESS: 4 rules found/);
  });

  it('fire for a 50-minute hang and stay firing until it ends; a short wait does not fire (promtool test rules)', { skip: NO_PROMTOOL }, () => {
    const r = spawnSync('promtool', ['test', 'rules', 'awaitwhat-rules.test.yml'], { cwd: DIR, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SUCCESS/);
  });
});

/**
 * Durations are never overstated (issue 8): programs that run synchronously for a long time
 * before an await — start-up work, CPU work, slow module loading — are not reported as hung by
 * `awaitwhat --once --after 1s`, and run exactly as under plain node; a real hang after such a
 * stretch is reported, with a pending time that is not above the truth and below it by no more
 * than the rest of the clock tick the hang began in (which the fixture reads from the runtime's
 * clock) and the moment between the snapshot's clock reading and its capture time.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FrameNode, Snapshot } from '../src/snapshot/schema.ts';
import { run, runCli } from './support/run.ts';

const FIXTURES = join('test', 'fixtures', 'runtime', 'clock');
/** The snapshot takes its clock reading before `capturedAt`: time for building it, on a loaded machine. */
const SNAPSHOT_SLACK_MS = 50;

/** Modules that take a while to load: instrumented async functions, and some synchronous set-up each. */
function writeModules(dir: string, count: number): void {
  const names: string[] = [];
  for (let m = 0; m < count; m++) {
    let text = "'use strict';\nconst end = performance.now() + 6;\nwhile (performance.now() < end);\n";
    for (let f = 0; f < 40; f++) text += `async function f${f}(x) {\n  const a = await x.load(${f});\n  return (await x.save(a)) ?? f${(f + 1) % 40};\n}\n`;
    text += 'module.exports = { size: 40 };\n';
    writeFileSync(join(dir, `m${m}.cjs`), text);
    names.push(`m${m}.cjs`);
  }
  writeFileSync(join(dir, 'index.json'), JSON.stringify(names));
}

describe('durations are lower bounds, whatever runs synchronously', { concurrency: 3 }, () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'awaitwhat-clock-'));
    writeModules(join(dir), 200);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases = [
    { name: '1.5 s of synchronous start-up, then a 300 ms await', file: 'sync-startup.mjs', stdout: 'connected\n' },
    { name: '2 s of CPU work in an async function, then a 200 ms await', file: 'cpu-work.mjs', stdout: 'crunched\n' },
    { name: 'slow module loading (200 modules required synchronously), then a 300 ms await', file: 'slow-loading.mjs', stdout: 'loaded 8000\nconnected\n' },
  ];

  for (const c of cases) {
    it(`${c.name}: no report under --once --after 1s, and the output and exit code of plain node`, async () => {
      const loadMs = join(dir, `${c.file}.load-ms`);
      const env = { ...process.env, MODULES_DIR: dir, LOAD_MS_FILE: loadMs };
      const [plain, watched] = await Promise.all([run([join(FIXTURES, c.file)], { env: { ...env, LOAD_MS_FILE: '' } }), runCli(['--once', '--after', '1s', join(FIXTURES, c.file)], { env })]);
      assert.deepEqual({ code: plain.code, stdout: plain.stdout, stderr: plain.stderr }, { code: 0, stdout: c.stdout, stderr: '' });
      assert.deepEqual({ code: watched.code, stdout: watched.stdout, stderr: watched.stderr }, { code: plain.code, stdout: plain.stdout, stderr: plain.stderr });
      if (c.file === 'slow-loading.mjs') assert.ok(Number(readFileSync(loadMs, 'utf8')) > 1000, 'loading took under a second: the case proves nothing');
    });

    it(`${c.name}, then a real hang: reported, pending no longer than the truth and within one tick of it`, async () => {
      const started = join(dir, `${c.file}.hang`);
      const env = { ...process.env, MODULES_DIR: dir, HANG: '1', HANG_STARTED: started };
      const r = await runCli(['--once', '--after', '1s', '--format', 'json', join(FIXTURES, c.file)], { env });
      assert.equal(r.code, 124, r.stderr);
      assert.equal(r.stdout, c.stdout);
      const snapshot = JSON.parse(r.stderr.trim().split('\n').pop()!) as Snapshot;
      const hang = JSON.parse(readFileSync(started, 'utf8')) as { epochMs: number; at: number; intervalEnd: number };
      const frames = snapshot.nodes.filter((n): n is FrameNode => n.type === 'frame');
      const forever = frames.find((n) => n.function === 'forever');
      assert.ok(forever !== undefined, JSON.stringify(frames.map((f) => f.function)));
      const truth = snapshot.capturedAt - hang.epochMs;
      // The clock may understate by the rest of the tick interval the hang began in.
      const rest = hang.intervalEnd - hang.at;
      const detail = `pending ${forever.pendingMs} ms, truly ${truth.toFixed(1)} ms, tick interval ended ${rest.toFixed(1)} ms after the hang began`;
      // Never overstated (capturedAt is whole ms, taken after the snapshot's clock reading).
      assert.ok(forever.pendingMs !== null && forever.pendingMs <= truth + 1, detail);
      assert.ok(truth - forever.pendingMs! <= rest + SNAPSHOT_SLACK_MS + 1, detail);
      // The report came once the hang had truly lasted the threshold, and says so.
      assert.ok(Math.max(...frames.map((f) => f.pendingMs ?? 0)) >= 1000, detail);
      assert.ok(truth >= 1000, detail);
    });
  }
});

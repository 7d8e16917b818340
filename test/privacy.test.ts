/**
 * Privacy: reports and spans carry source text and positions, never values. A secret passed as an
 * argument, held in a local or awaited appears in no report format and no span; a secret written
 * as a literal in the source appears in await texts unless they are omitted.
 */

// Holders (on by default in --once reports, tested in heap-cli.test.ts) are off here: these tests are
// about the await graph, and a heap snapshot per run would only slow them.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { run, runCli } from './support/run.ts';

const SECRET = 'runtime-secret-4b1d';
const LITERAL = 'literal-in-source';
const env = { ...process.env, SECRET_TOKEN: SECRET };
const LOGIN = join('test', 'fixtures', 'privacy', 'login.mjs');
const LITERALS = join('test', 'fixtures', 'privacy', 'literals.mjs');
const LITERALS_OTEL = join('test', 'fixtures', 'privacy', 'literals-otel.mjs');

/** Every literal of literals.mjs that an output could quote: its markers and its numbers. */
const MARKERS = [...Array.from({ length: 21 }, (_, i) => `Q9Z${String(i + 1).padStart(2, '0')}`), '918273645', '918273646', '77665544332211'];
/** Markers that reach no output even with text kept: a class field's value is a run-time value there. */
const ONLY_VALUES = ['Q9Z08'];
const markersIn = (output: string) => MARKERS.filter((m) => output.includes(m));

/** Every output of literals.mjs: the three report formats (every pending call) and the spans and onPending reports. */
async function literalOutputs(omit: boolean): Promise<string[]> {
  const reports = ['text', 'json', 'dot'].map(async (format) => {
    const r = await runCli(['--no-holders', '--once', '--all', '--after', '300ms', '--format', format, ...(omit ? ['--omit-text'] : []), LITERALS]);
    assert.equal(r.code, 124, r.stderr);
    return r.stdout + r.stderr;
  });
  const otel = run([LITERALS_OTEL, omit ? 'omit' : 'keep']).then((r) => {
    assert.equal(r.stderr, '');
    const exported = JSON.parse(r.stdout) as { spans: unknown[]; reports: unknown[]; warnings: unknown[] };
    assert.equal(exported.reports.length, 1);
    assert.deepEqual(exported.warnings, []);
    return r.stdout;
  });
  return Promise.all([...reports, otel]);
}

describe('privacy', { concurrency: 2 }, () => {
  for (const format of ['text', 'json', 'dot']) {
    it(`the ${format} report holds no run-time value; --omit-text also drops the source literals`, async () => {
      const shown = await runCli(['--no-holders', '--once', '--after', '300ms', '--format', format, LOGIN], { env });
      assert.equal(shown.code, 124);
      assert.ok(shown.stderr.includes('login'), 'the report names the hung function');
      assert.ok(shown.stderr.includes(LITERAL), 'the await text is quoted by default');
      assert.ok(!shown.stderr.includes(SECRET), `the secret leaked into the ${format} report`);
      assert.ok(!shown.stderr.includes('-derived'), `a local leaked into the ${format} report`);

      const omitted = await runCli(['--no-holders', '--once', '--after', '300ms', '--format', format, '--omit-text', LOGIN], { env });
      assert.equal(omitted.code, 124);
      assert.ok(omitted.stderr.includes('login'));
      assert.ok(!omitted.stderr.includes(SECRET));
      assert.ok(!omitted.stderr.includes(LITERAL), `--omit-text kept source text in the ${format} report`);
      assert.ok(!omitted.stderr.includes('SELECT'), `--omit-text kept source text in the ${format} report`);
    });
  }

  it('--omit-text leaves positions and structure, and no gap where the text was', async () => {
    const r = await runCli(['--no-holders', '--once', '--after', '300ms', '--omit-text', LOGIN], { env });
    assert.equal(
      r.stderr.replace(/\d+(\.\d+)?(ms|s)\b/g, 'T'),
      [
        'awaitwhat report: an await has been pending for T (threshold T)',
        'awaitwhat: 3 pending async functions, 3 suspensions pending T or longer',
        '',
        'remember  test/fixtures/privacy/login.mjs:16:3  T',
        '└─ Promise.all: 1 of 2 pending',
        '   ├─ [0] fulfilled',
        '   └─ [1] login  test/fixtures/privacy/login.mjs:12:3  T',
        '      └─ query  test/fixtures/privacy/login.mjs:6:3  T',
        '         └─ <text omitted>  — a new Promise at test/fixtures/privacy/login.mjs:6',
        '',
      ].join('\n'),
    );
  });

  it('--omit-text: no output (text, JSON, DOT, spans, onPending) quotes a literal of the source, names included', async () => {
    const [kept, omitted] = await Promise.all([literalOutputs(false), literalOutputs(true)]);
    // The program does put every literal in front of an output that keeps text.
    assert.deepEqual(markersIn(kept.join('\n')), MARKERS.filter((m) => !ONLY_VALUES.includes(m)));
    for (const output of omitted) assert.deepEqual(markersIn(output), [], output);
  });

  it('--omit-text names methods with computed and literal keys without the literal', async () => {
    const r = await runCli(['--no-holders', '--once', '--all', '--after', '300ms', '--format', 'json', '--omit-text', LITERALS]);
    const snapshot = JSON.parse(r.stderr) as { nodes: { type: string; function?: string }[] };
    assert.deepEqual(
      snapshot.nodes
        .filter((n) => n.type === 'frame')
        .map((n) => n.function)
        .sort(),
      ['Vault[…]', 'Vault[…]', 'handlers[…]', 'handlers[…]', 'handlers[…]', 'handlers[…]', 'handlers[…]', 'handlers[…]', 'handlers[…].find', 'stream'],
    );
  });

  it('spans and onPending reports hold no run-time value; omitText drops the source literals', async () => {
    const fixture = join('test', 'fixtures', 'otel', 'privacy.mjs');
    const shown = await run([fixture], { env });
    assert.equal(shown.stderr, '');
    const exported = JSON.parse(shown.stdout) as { spans: { name: string }[]; reports: unknown[] };
    assert.deepEqual(exported.spans.map((s) => s.name), ['request', 'pending: login (check)', 'check', 'pending await']);
    assert.equal(exported.reports.length, 1);
    assert.ok(shown.stdout.includes(LITERAL), 'the await text is exported by default');
    assert.ok(!shown.stdout.includes(SECRET), 'the secret leaked into spans or reports');
    assert.ok(!shown.stdout.includes('-derived'), 'a local leaked into spans or reports');

    const omitted = await run([fixture, 'omit'], { env });
    assert.equal(omitted.stderr, '');
    assert.ok(!omitted.stdout.includes(SECRET));
    assert.ok(!omitted.stdout.includes(LITERAL), 'omitText kept source text in spans or reports');
  });
});

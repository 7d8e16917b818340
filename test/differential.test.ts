/**
 * Differential test: instrumenting a program does not change what it does, down to the order of
 * its microtasks. Each program runs twice in a worker thread, plain and instrumented by
 * `instrument()` with the runtime installed; the two logs must be identical line for line. Every
 * log line carries the microtask tick it ran in (test/differential/harness.ts), and a log also
 * records thenable calls, property lookups on proxies, unhandled and late-handled rejections and
 * how each root call settled, so an added or removed tick anywhere, or any other change of
 * behaviour, fails the test. The instrumented run also takes a snapshot between macrotasks.
 *
 * Order: the saved counterexamples (test/differential/regressions.json) first, then hand-written
 * programs (test/differential/cases.ts), then a self-check that a transform adding one tick is
 * caught, then random programs (test/differential/generate.ts). A counterexample found by the
 * random run is added to regressions.json and reported with its seed.
 *
 * The await graph itself is checked by an oracle that shares no code with src/
 * (test/differential/oracle): graph programs note what each statement is about to await, so the
 * true graph is known at every pause (before each macrotask, and once all is quiet); awaitwhat's
 * snapshot must be that graph, line for line, and V8's async stack walker must agree with the notes
 * in the plain run. Saved counterexamples (oracle-regressions.json; those of known, unfixed bugs run
 * as todo), hand-written shapes (oracle/cases.ts), then random graph programs (oracle/generate.ts).
 *
 * Size: AWAITWHAT_FUZZ_RUNS random programs (default 1500, about 12 s on two cores) and
 * AWAITWHAT_ORACLE_RUNS random graph programs (default 300, 5 to 10 s); for a thorough search, e.g.
 *   AWAITWHAT_FUZZ_RUNS=20000 AWAITWHAT_ORACLE_RUNS=20000 node --test test/differential.test.ts
 * AWAITWHAT_FUZZ_SEED=<seed> replays the run a failure names (both random parts use it).
 */

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { CASES, TICK_MARKER, type Case } from './differential/cases.ts';
import { programs } from './differential/generate.ts';
import type { Program } from './differential/model.ts';
import { GRAPH_CASES } from './differential/oracle/cases.ts';
import { graphPrograms } from './differential/oracle/generate.ts';
import { avoidedBugs, KNOWN_BUGS } from './differential/oracle/known-bugs.ts';
import type { GraphProgram } from './differential/oracle/model.ts';
import { printGraph } from './differential/oracle/print.ts';
import { judge } from './differential/oracle/verdict.ts';
import { print } from './differential/print.ts';
import { describeDifference, Runner, sameLog, type Comparison } from './differential/runner.ts';

const RUNS = Number(process.env.AWAITWHAT_FUZZ_RUNS ?? 1500);
const GRAPH_RUNS = Number(process.env.AWAITWHAT_ORACLE_RUNS ?? 300);
const SEED = Number(process.env.AWAITWHAT_FUZZ_SEED ?? (Date.now() ^ (Math.random() * 0x1_0000_0000)) | 0);
const SELF_CHECK_RUNS = 40;
const REGRESSIONS = new URL('./differential/regressions.json', import.meta.url);
const GRAPH_REGRESSIONS = new URL('./differential/oracle-regressions.json', import.meta.url);

interface Regression {
  note: string;
  program: Program;
}

const readRegressions = (): Regression[] => JSON.parse(readFileSync(REGRESSIONS, 'utf8')) as Regression[];

interface GraphRegression {
  note: string;
  /** A known bug (oracle/known-bugs.ts) this program shows: its test is a todo while the bug is listed. */
  bug?: string;
  program: GraphProgram;
}

const readGraphRegressions = (): GraphRegression[] => JSON.parse(readFileSync(GRAPH_REGRESSIONS, 'utf8')) as GraphRegression[];

/** Why a hand-written case cannot run on this Node.js, if it cannot. */
function unsupported(c: Case): string | false {
  if (c.requires === undefined) return false;
  try {
    new Function(`return async () => { ${c.requires} }`);
    return false;
  } catch {
    return `this Node.js does not parse \`${c.requires}\``;
  }
}

let runner: Runner;
before(() => {
  runner = new Runner();
});
after(() => runner.close());

/** Fails unless both runs logged the same; the message holds the program and the first difference. */
async function assertSame(source: string, goal: Program['goal']): Promise<Comparison> {
  const c = await runner.compare(source, goal);
  assert.ok(c.instrumented.functions > 0, `instrument() instrumented nothing in:\n${source}`);
  assert.ok(c.instrumented.frames > 0, 'the instrumented run entered no frame: it ran without the runtime');
  assert.equal(c.plain.frames, 0, 'the plain run entered frames: it ran instrumented code');
  if (!c.same) {
    // A harness that is not deterministic would blame the transform: rule that out first.
    const again = await runner.run(source, goal, false);
    const note = sameLog(again.log, c.plain.log) ? '' : '\n(the plain program is not deterministic: the harness is at fault)';
    assert.fail(`${describeDifference(c.plain.log, c.instrumented.log)}${note}\n--- program\n${source}--- instrumented\n${c.instrumented.code}`);
  }
  return c;
}

function record(program: Program, note: string): boolean {
  return save(REGRESSIONS, readRegressions(), { note, program });
}

/** Adds an entry to a regressions file (one entry a few lines, programs on one line); false if its program is there already. */
function save<T extends { note: string; program: unknown }>(file: URL, saved: T[], entry: T): boolean {
  const json = JSON.stringify(entry.program);
  if (saved.some((r) => JSON.stringify(r.program) === json)) return false;
  saved.push(entry);
  const entries = saved.map((r) => {
    const fields = Object.entries(r).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
    return ` {\n${fields.join(',\n')}\n }`;
  });
  writeFileSync(file, `[\n${entries.join(',\n')}\n]\n`);
  return true;
}

let graphFiles = 0;

/**
 * Runs a graph program plain and instrumented: the logs must agree as for any program, and at every
 * pause the oracle must be consistent and awaitwhat's graph the true one.
 */
async function assertGraphs(program: GraphProgram): Promise<void> {
  const printed = printGraph(program);
  const graph = { file: `graph${graphFiles++}.js`, sites: printed.sites, fns: printed.fns, memberTexts: printed.memberTexts, maintain: program.maintain, weak: program.weak };
  const c = await runner.compare(printed.source, program.goal, graph);
  if (!c.same) assert.fail(`${describeDifference(c.plain.log, c.instrumented.log)}\n--- program\n${printed.source}`);
  const verdict = judge(c.plain.pauses, c.instrumented.pauses);
  if (verdict !== null) assert.fail(`${verdict.culprit === 'oracle' ? 'the oracle is at fault: ' : ''}${verdict.message}\n--- program\n${printed.source}`);
}

describe('instrumented programs behave exactly as plain ones, microtask order included', () => {
  describe('saved counterexamples', () => {
    for (const [i, r] of readRegressions().entries()) {
      it(`#${i}: ${r.note}`, async () => {
        await assertSame(print(r.program).source, r.program.goal);
      });
    }
  });

  describe('hand-written programs', () => {
    for (const c of CASES) {
      it(c.name, { skip: unsupported(c) }, async () => {
        const { plain } = await assertSame(c.source.replace(TICK_MARKER, ''), c.goal);
        assert.ok(plain.log.length > 3, `the program hardly ran:\n${plain.log.join('\n')}`);
      });
    }
  });

  describe('self-check: a transform that adds one tick is caught', () => {
    for (const c of CASES) {
      it(`hand-written: ${c.name}`, { skip: unsupported(c) }, async () => {
        assert.equal(c.source.split(TICK_MARKER).length, 2, 'one tick marker per case');
        const plain = await runner.run(c.source.replace(TICK_MARKER, ''), c.goal, false);
        const mutant = await runner.run(c.source.replace(TICK_MARKER, 'await '), c.goal, false);
        assert.ok(!sameLog(plain.log, mutant.log), `an extra await went unnoticed:\n${plain.log.join('\n')}`);
      });
    }

    it(`random programs, one await statement doubled (${SELF_CHECK_RUNS} runs, seed ${SEED})`, async () => {
      // Only an await whose resumption logged while the ticker ran is sure to show: its next line
      // is one tick later in the mutant, whatever else the program does.
      const observable = (log: string[], label: string) => {
        const line = log.find((l) => l.split(' ')[2] === label);
        return line !== undefined && !line.split(' ')[0]!.endsWith(':-');
      };
      await fc.assert(
        fc.asyncProperty(programs, fc.nat(), async (program, pick) => {
          const printed = print(program);
          const plain = await runner.run(printed.source, program.goal, false);
          const sites = printed.awaitSites.filter((s) => observable(plain.log, s.label));
          fc.pre(sites.length > 0);
          const site = sites[pick % sites.length]!;
          const mutant = await runner.run(print(program, { extraAwait: site.site }).source, program.goal, false);
          assert.ok(!sameLog(plain.log, mutant.log), `doubling the await at ${site.label} went unnoticed`);
        }),
        { numRuns: SELF_CHECK_RUNS, seed: SEED },
      );
    });
  });

  it(`random programs (${RUNS} runs, seed ${SEED}; AWAITWHAT_FUZZ_RUNS for more)`, { timeout: Math.max(120_000, RUNS * 100) }, async () => {
    const result = await fc.check(
      fc.asyncProperty(programs, async (program) => {
        await assertSame(print(program).source, program.goal);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    if (!result.failed) return;
    const program = result.counterexample![0];
    const added = record(program, `found with seed ${SEED}`);
    assert.fail(
      `seed ${SEED}, path ${result.counterexamplePath}: a program behaves differently when instrumented` +
        `${added ? ' (added to test/differential/regressions.json)' : ''}\n` +
        `${result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)}\n--- program data\n${JSON.stringify(program)}`,
    );
  });
});

describe('the await graph is the true one at every pause (graph programs, test/differential/oracle)', () => {
  const knownIds = new Set(KNOWN_BUGS.map((b) => b.id));
  // A fresh worker: frames the other programs left pending stay in the old one's registry (held
  // weakly until a garbage collection frees them), and every snapshot there walks them.
  before(() => runner.close());

  describe('saved counterexamples', () => {
    for (const [i, r] of readGraphRegressions().entries()) {
      const open = r.bug !== undefined && knownIds.has(r.bug);
      it(`#${i}: ${r.note}`, { todo: open ? `known bug ${r.bug}` : false }, async () => {
        await assertGraphs(r.program);
      });
    }
  });

  describe('hand-written shapes', () => {
    for (const c of GRAPH_CASES) {
      it(c.name, async () => {
        await assertGraphs(c.program);
      });
    }
  });

  it(`random graph programs (${GRAPH_RUNS} runs, seed ${SEED}; AWAITWHAT_ORACLE_RUNS for more)`, { timeout: Math.max(120_000, GRAPH_RUNS * 200) }, async () => {
    // Shapes of known, unfixed bugs are not generated (known-bugs.ts); their regressions run as todo.
    const result = await fc.check(
      fc.asyncProperty(
        graphPrograms.filter((p) => avoidedBugs(p).length === 0),
        async (program) => {
          await assertGraphs(program);
        },
      ),
      { numRuns: GRAPH_RUNS, seed: SEED },
    );
    if (!result.failed) return;
    const program = result.counterexample![0];
    const added = save(GRAPH_REGRESSIONS, readGraphRegressions(), { note: `found with seed ${SEED}`, program });
    assert.fail(
      `seed ${SEED}, path ${result.counterexamplePath}: awaitwhat's graph (or the oracle) is wrong` +
        `${added ? ' (added to test/differential/oracle-regressions.json)' : ''}\n` +
        `${result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)}\n--- program data\n${JSON.stringify(program)}`,
    );
  });
});

#!/usr/bin/env node
// What constructing a frame record costs by the shape of its class, in isolation (no awaitwhat
// code is loaded): the plain frame's class (6 fields declared, two of them private), a traced frame
// derived from it (10 more, as src/runtime/traced-frame.ts), and the alternatives a smaller or
// differently built traced frame could take. Each shape runs in its own process, in rotated order,
// for several rounds; CPU time (process.cpuUsage) of 10M constructions after 2 warm-up passes; the
// young generation pinned. Prints Markdown: median ns per construction (min–max).
//
//   node bench/frame-construction.mjs [--rounds=5]
//
// Shapes (each stores one double into `since` after construction, as a suspension does):
//   plain            class with field definitions, as Frame
//   derived-1        derived from it, one field of its own
//   derived-10       derived from it, ten fields of its own (one private), as TracedFrame
//   flat-16          one class with all 16 fields (no `extends`)
//   fieldless-base   a base class without field definitions, derived class with one field
//   plain+stamped-10 `plain`, then the ten traced fields installed by a class whose base returns
//                    the object it is given (the object keeps the plain class's prototype)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SHAPES = ['plain', 'derived-1', 'derived-10', 'flat-16', 'fieldless-base', 'plain+stamped-10'];
const SEMI_SPACE = ['--min-semi-space-size=16', '--max-semi-space-size=16'];
const N = 10_000_000;

if (process.argv[2] === '--one') {
  console.log(JSON.stringify({ ns: measureOne(process.argv[3]) }));
} else {
  const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? '5');
  const results = new Map(SHAPES.map((s) => [s, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < SHAPES.length; k++) {
      const shape = SHAPES[(k + r) % SHAPES.length];
      const run = spawnSync(process.execPath, [...SEMI_SPACE, fileURLToPath(import.meta.url), '--one', shape], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`${shape} exited ${run.status}: ${run.stderr}`);
      results.get(shape).push(JSON.parse(run.stdout).ns);
    }
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
  console.log(`Node.js ${process.version}; ${rounds} rounds, each shape in its own process, rotated; ${N / 1e6}M constructions per process after 2 warm-up passes; ${SEMI_SPACE.join(' ')}.\n`);
  console.log('| shape | ns per construction, median (min–max) |');
  console.log('|---|---|');
  for (const [shape, xs] of results) console.log(`| ${shape} | ${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}) |`);
}

function measureOne(shape) {
  let seq = 0;
  class Plain {
    seq;
    depth;
    site;
    since;
    #value;
    #promise;
    constructor(promise) {
      this.seq = ++seq;
      this.depth = 1;
      this.site = -1;
      this.since = 0;
      this.#value = undefined;
      this.#promise = promise;
    }
  }
  class Derived1 extends Plain {
    fn;
    constructor(fn, promise) {
      super(promise);
      this.fn = fn;
    }
  }
  class Derived10 extends Plain {
    fn;
    start;
    turn;
    leafTurn;
    context;
    #awaiter;
    span;
    reportedPendingMs;
    lastAwait;
    ownValue;
    constructor(fn, promise) {
      super(promise);
      this.fn = fn;
      this.start = 0;
      this.turn = 0;
      this.leafTurn = 0;
      this.context = undefined;
      this.#awaiter = undefined;
      this.span = undefined;
      this.reportedPendingMs = 0;
      this.lastAwait = -1;
      this.ownValue = false;
    }
  }
  class Flat16 {
    seq;
    depth;
    site;
    since;
    #value;
    #promise;
    fn;
    start;
    turn;
    leafTurn;
    context;
    #awaiter;
    span;
    reportedPendingMs;
    lastAwait;
    ownValue;
    constructor(fn, promise) {
      this.seq = ++seq;
      this.depth = 1;
      this.site = -1;
      this.since = 0;
      this.#value = undefined;
      this.#promise = promise;
      this.fn = fn;
      this.start = 0;
      this.turn = 0;
      this.leafTurn = 0;
      this.context = undefined;
      this.#awaiter = undefined;
      this.span = undefined;
      this.reportedPendingMs = 0;
      this.lastAwait = -1;
      this.ownValue = false;
    }
  }
  class FieldlessBase {
    constructor(promise) {
      this.seq = ++seq;
      this.depth = 1;
      this.site = -1;
      this.since = 0;
      this.promise = promise;
    }
  }
  class FromFieldless extends FieldlessBase {
    fn;
    constructor(fn, promise) {
      super(promise);
      this.fn = fn;
    }
  }
  class Stamp {
    constructor(target) {
      return target;
    }
  }
  class TracedFields extends Stamp {
    fn;
    start;
    turn;
    leafTurn;
    context;
    #awaiter;
    span;
    reportedPendingMs;
    lastAwait;
    ownValue;
    constructor(target, fn) {
      super(target);
      this.fn = fn;
      this.start = 0;
      this.turn = 0;
      this.leafTurn = 0;
      this.context = undefined;
      this.#awaiter = undefined;
      this.span = undefined;
      this.reportedPendingMs = 0;
      this.lastAwait = -1;
      this.ownValue = false;
    }
  }
  const make = {
    plain: () => new Plain(undefined),
    'derived-1': (i) => new Derived1(i, undefined),
    'derived-10': (i) => new Derived10(i, undefined),
    'flat-16': (i) => new Flat16(i, undefined),
    'fieldless-base': (i) => new FromFieldless(i, undefined),
    'plain+stamped-10': (i) => {
      const f = new Plain(undefined);
      new TracedFields(f, i);
      return f;
    },
  }[shape];
  if (make === undefined) throw new Error(`unknown shape ${shape}: expected one of ${SHAPES.join(', ')}`);
  let kept;
  let ns = 0;
  for (let pass = 0; pass < 3; pass++) {
    const t = process.cpuUsage();
    for (let i = 0; i < N; i++) {
      kept = make(i);
      kept.since = i * 0.5;
    }
    const u = process.cpuUsage(t);
    ns = ((u.user + u.system) * 1000) / N;
  }
  if (kept === undefined) throw new Error('nothing constructed');
  return ns;
}

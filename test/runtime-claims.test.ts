/**
 * The claim rule (src/runtime/frame.ts): which handed-off frame an `await g()` (or a kept call
 * result) takes as its callee. Each case is a shape that a looser or stricter rule gets wrong; the
 * expected graph is the program's own structure, written out by hand.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, run } from './support/run.ts';

const HOOKS = join(ROOT, 'dist', 'hooks.js');
const FIXTURE = join('test', 'fixtures', 'runtime', 'claims', 'claims.mjs');

describe('claims', () => {
  it('take the awaited callee, and only it, in every shape', async () => {
    const r = await run(['--import', HOOKS, FIXTURE], { env: { ...process.env, AWAITWHAT_EXCLUDE: 'plain-*.mjs' }, killAfterMs: 20_000 });
    assert.equal(r.stderr, '');
    // Each case twice: alone in its macrotask (the fast claim path), then all in one run (the general one).
    const once = [
      // background(); await external(): the dropped call is not what main awaits.
      'droppedThenExternal:16 → [external()]',
      'background:9 → [forever]',
      // Two dropped calls, then await other(): the claim takes other alone.
      'twoDroppedThenCallee:21 → other:12',
      'background:9 → [forever]',
      'background:9 → [forever]',
      'other:12 → [forever]',
      // Several callees before one claim: each member of the array leads to its frame.
      'mapped:27 → all(other:12, other:12, other:12)',
      'other:12 → [forever]',
      'other:12 → [forever]',
      'other:12 → [forever]',
      // Uninstrumented code calling two async functions during the awaited call: a group.
      'grouped:31 → group(other:12, other:12)',
      'other:12 → [forever]',
      'other:12 → [forever]',
      // The same, the second one claiming a call of its own meanwhile: still a group of both.
      'groupedWithClaims:39 → group(claimsToo:36, claimsToo:36)',
      'claimsToo:36 → [external()]',
      'claimsToo:36 → [external()]',
      // The callee dropped a call of its own one level deeper: the callee is claimed, not that call.
      'claimsCalleeThatDropped:47 → calleeDrops:43',
      'calleeDrops:43 → [forever]',
      'background:9 → [forever]',
      // One async function called back during the awaited call of uninstrumented code: linked.
      'calledBack:54 → listener:51',
      'listener:51 → [forever]',
      // A frame handed off by uninstrumented code before the call is not the callee.
      'handedOffBefore:58 → [external()]',
      'listener:51 → [forever]',
      // Re-entrancy: each level claims the next.
      'recurse:63 → recurse:63',
      'recurse:63 → recurse:63',
      'recurse:63 → [forever]',
      // An async generator's frame is never the callee of `await it.next()`.
      'generatorNext:72 → [it.next()]',
      'ticks:68 → [forever]',
    ];
    assert.deepEqual(r.stdout.split('\n'), [...once, ...once, '']);
  });
});

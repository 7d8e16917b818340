// The example from the original awaitwhat README: `work` waits for two things at once, one of
// them finishes, the other is five calls deep in a sleep nobody expected to be that long.
import { setTimeout as sleep } from 'node:timers/promises';

async function job() { await foo(); }
async function foo() { await bar(); }
async function bar() { await baz(); }
async function baz() { await leaf(); }
async function leaf() { await sleep(60_000); } // imagine you don't know this
async function work() { await Promise.all([sleep(10), job()]); }

await work();

// The original awaitwhat README example: Promise.all with one member settled, the other five calls deep.
import { setTimeout as sleep } from 'node:timers/promises';

async function job() { await foo(); }
async function foo() { await bar(); }
async function bar() { await baz(); }
async function baz() { await leaf(); }
async function leaf() { await sleep(60_000); }
async function work() { await Promise.all([sleep(10), job()]); }

console.log('start');
await work();

// A program, not a test file, that imports node:test for its mock alone: the runner integration must leave it be.
import { mock } from 'node:test';

const fn = mock.fn(() => 42);
console.log(`called: ${fn()} ${fn.mock.callCount()}`);

/**
 * Getting a snapshot into the parser. In-process and synchronous: `v8.writeHeapSnapshot` into a
 * private temporary directory, read back a megabyte at a time, then removed (the inspector's
 * `HeapProfiler.takeHeapSnapshot` runs only once the stack is empty, so it cannot serve a
 * synchronous `snapshot()`; V8's generator needs the same memory either way). From elsewhere
 * (another process's inspector, a file): feed chunks to `HeapSnapshotParser` or use
 * `parseHeapSnapshotChunks`.
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { typedArrayBuffer, Uint8ArrayConstructor } from '../runtime/intrinsics.ts';
import type { HeapGraph } from './graph.ts';
import { HeapSnapshotParser } from './parse.ts';

// As they are when awaitwhat loads: a program that later replaces them is not called by a report.
const { closeSync, mkdtempSync, openSync, readSync, rmSync } = fs;
const { tmpdir } = os;
const { join } = path;
const { writeHeapSnapshot } = v8;

const READ_CHUNK = 1 << 20;

/** Parses a `.heapsnapshot` file a megabyte at a time. */
export function parseHeapSnapshotFile(path: string): HeapGraph {
  const parser = new HeapSnapshotParser();
  const fd = openSync(path, 'r');
  try {
    const buffer = new Uint8ArrayConstructor(READ_CHUNK);
    for (;;) {
      const n = readSync(fd, buffer, 0, READ_CHUNK, null);
      if (n === 0) break;
      // A view of the bytes read (not `subarray`, which looks up the array's `constructor`; and its
      // buffer by the captured getter, not `.buffer`, an accessor of a prototype the program can reach).
      parser.write(new Uint8ArrayConstructor(typedArrayBuffer(buffer), 0, n));
    }
  } finally {
    closeSync(fd);
  }
  return parser.end();
}

/** Parses a snapshot arriving in chunks (inspector `addHeapSnapshotChunk` strings, a file stream's buffers). */
export async function parseHeapSnapshotChunks(chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>): Promise<HeapGraph> {
  const parser = new HeapSnapshotParser();
  for await (const chunk of chunks) parser.write(chunk);
  return parser.end();
}

/**
 * This thread's heap, now, synchronously. Numeric values are exposed (timers' delays and start
 * times are numbers). The temporary file is readable by this user only and removed before
 * returning, also on failure.
 */
export function takeOwnHeapSnapshot(): HeapGraph {
  const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-heap-'));
  try {
    const file = writeHeapSnapshot(join(dir, 'heap.heapsnapshot'), { exposeInternals: false, exposeNumericValues: true });
    return parseHeapSnapshotFile(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

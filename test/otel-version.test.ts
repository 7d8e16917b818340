/**
 * The instrumentation scope's name and version come from awaitwhat's own package.json (one source),
 * read when the module loads.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../src/otel/version.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

describe('the instrumentation scope', () => {
  it("is named and versioned as awaitwhat's package.json says", () => {
    assert.equal(PACKAGE_NAME, pkg.name);
    assert.equal(PACKAGE_VERSION, pkg.version);
    assert.match(PACKAGE_VERSION, /^\d+\.\d+\.\d+/);
  });
});

/**
 * Places: the location and suspension-point objects a snapshot shares between frames, and file
 * paths shown relative to the working directory.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { RETURN_SITE_BASE } from '../dist/snapshot/frame-records.js';
import { Places, UNKNOWN_LOCATION } from '../dist/snapshot/places.js';
import type { SiteInfo } from '../dist/snapshot/source.js';

const CWD = '/app/service';

function site(file: string, line: number, column: number, kind = 'await', text = ''): SiteInfo {
  return { kind, file, line, column, name: '', text };
}

describe('Places', () => {
  it('file(): inside the working directory relative with /, the directory itself and anything outside as given; as given without a cwd', () => {
    const places = new Places(CWD);
    assert.deepEqual(
      ['/app/service/a.mjs', '/app/service/lib/deep/b.mjs', '/app/service', '/app/other/c.mjs', '/d.mjs', '/app/service-x/e.mjs'].map((f) => places.file(f)),
      ['a.mjs', 'lib/deep/b.mjs', '/app/service', '/app/other/c.mjs', '/d.mjs', '/app/service-x/e.mjs'],
    );
    // Asked again (from its cache), the same answers.
    assert.deepEqual(['/app/service/a.mjs', '/app/other/c.mjs'].map((f) => places.file(f)), ['a.mjs', '/app/other/c.mjs']);
    const asRecorded = new Places(undefined);
    assert.deepEqual(['/app/service/a.mjs', 'x.mjs'].map((f) => asRecorded.file(f)), ['/app/service/a.mjs', 'x.mjs']);
  });

  it('location(): the unknown location without a site record; one object per function site, made once', () => {
    const places = new Places(CWD);
    assert.equal(places.location(-1, undefined), UNKNOWN_LOCATION);
    assert.deepEqual(UNKNOWN_LOCATION, { file: '<unknown>', line: 0, column: 0 });
    assert.ok(Object.isFrozen(UNKNOWN_LOCATION));
    const first = places.location(0, site('/app/service/a.mjs', 3, 7, 'function'));
    assert.deepEqual(first, { file: 'a.mjs', line: 3, column: 7 });
    // Site 0 and the unknown function (-1) have slots of their own.
    assert.equal(places.location(-1, site('/x.mjs', 1, 1)), UNKNOWN_LOCATION);
    assert.equal(places.location(0, undefined), first);
    assert.equal(places.location(0, site('/elsewhere.mjs', 9, 9)), first, 'the first record of a site id is kept');
    assert.deepEqual(places.location(5, site('/b.mjs', 1, 2)), { file: '/b.mjs', line: 1, column: 2 });
    assert.equal(places.location(4, undefined), UNKNOWN_LOCATION);
  });

  it('suspension(): one point per site id, return sites apart from awaits of the same number, a combinator site an await', () => {
    const places = new Places(CWD);
    const a = places.suspension(2, site('/app/service/a.mjs', 4, 3, 'await', 'await x'));
    assert.deepEqual(a, { file: 'a.mjs', line: 4, column: 3, kind: 'await', text: 'await x' });
    const r = places.suspension(RETURN_SITE_BASE + 2, site('/app/service/a.mjs', 5, 3, 'return', 'return y'));
    assert.deepEqual(r, { file: 'a.mjs', line: 5, column: 3, kind: 'return', text: 'return y' });
    assert.equal(places.suspension(2, site('/z.mjs', 1, 1, 'yield')), a);
    assert.equal(places.suspension(RETURN_SITE_BASE + 2, site('/z.mjs', 1, 1, 'yield')), r);
    const justBelow = places.suspension(RETURN_SITE_BASE - 1, site('/app/service/b.mjs', 1, 1, 'yield', 'yield 1'));
    assert.deepEqual(justBelow, { file: 'b.mjs', line: 1, column: 1, kind: 'yield', text: 'yield 1' });
    assert.deepEqual(places.suspension(RETURN_SITE_BASE, site('/q.mjs', 2, 2, 'return', 'return 0')), { file: '/q.mjs', line: 2, column: 2, kind: 'return', text: 'return 0' });
    assert.deepEqual(places.suspension(0, site('/app/service/c.mjs', 8, 9, 'combinator', 'await Promise.all(xs)')), { file: 'c.mjs', line: 8, column: 9, kind: 'await', text: 'await Promise.all(xs)' });
  });

  it('at(): a fresh location object each time', () => {
    const places = new Places(CWD);
    const s = site('/app/service/a.mjs', 1, 2);
    const one = places.at(s);
    assert.deepEqual(one, { file: 'a.mjs', line: 1, column: 2 });
    assert.notEqual(places.at(s), one);
  });

  it('displayUrl(): file URLs as file paths are shown, other URLs and file URLs that name no local path as given', () => {
    const places = new Places(CWD);
    assert.deepEqual(
      [pathToFileURL(join(CWD, 'a.mjs')).href, 'file:///elsewhere/b.mjs', 'node:events', 'https://x/y.js', 'file://host/share/c.mjs', 'fil:///a.mjs'].map((u) => places.displayUrl(u)),
      ['a.mjs', '/elsewhere/b.mjs', 'node:events', 'https://x/y.js', 'file://host/share/c.mjs', 'fil:///a.mjs'],
    );
  });
});

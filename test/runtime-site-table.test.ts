/**
 * The site table (src/runtime/sites.ts), in a process of its own where it starts empty: ids in
 * order of registration, return sites in their own range, the capacity of each range and the
 * message that names the full one.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addSite, COMBINATORS, FOREIGN_SITE_BASE, getSite, RETURN_SITE_BASE, siteCount, siteLimits, SiteTableFullError } from '../dist/runtime/sites.js';
import type { SiteRecord } from '../dist/runtime/sites.js';

function site(kind: SiteRecord['kind'], line: number): SiteRecord {
  return { kind, file: '/app/a.mjs', line, column: 1, name: '', text: `${kind} ${line}` };
}

describe('site table', () => {
  it('numbers sites from 0 in registration order, return sites from RETURN_SITE_BASE, each range on its own', () => {
    assert.equal(RETURN_SITE_BASE, 2 ** 24);
    assert.equal(siteCount(), 0);
    const fn = site('function', 1);
    const ret = site('return', 2);
    const aw = site('await', 3);
    const ret2 = site('return', 4);
    const ids = [fn, ret, aw, ret2, site('combinator', 5), site('promise', 6)].map(addSite);
    assert.deepEqual(ids, [0, RETURN_SITE_BASE, 1, RETURN_SITE_BASE + 1, 2, 3]);
    assert.equal(siteCount(), 6);
    assert.equal(getSite(0), fn);
    assert.equal(getSite(1), aw);
    assert.equal(getSite(RETURN_SITE_BASE), ret);
    assert.equal(getSite(RETURN_SITE_BASE + 1), ret2);
    assert.equal(getSite(4), undefined);
    assert.equal(getSite(RETURN_SITE_BASE + 2), undefined);
    assert.equal(getSite(RETURN_SITE_BASE - 1), undefined);
    assert.deepEqual(COMBINATORS, ['all', 'allSettled', 'race', 'any']);
  });

  it('refuses a site once its range holds `capacity` sites, naming the range; the other range goes on', () => {
    assert.equal(siteLimits.capacity, FOREIGN_SITE_BASE, 'by default, each range holds as many ids as lie below the foreign range (ids a transforming process gave out)');
    const saved = siteLimits.capacity;
    try {
      // 4 function/suspension sites and 2 return sites registered above.
      siteLimits.capacity = 5;
      assert.equal(addSite(site('await', 7)), 4);
      assert.throws(() => addSite(site('await', 8)), (e: unknown) => {
        assert.ok(e instanceof SiteTableFullError);
        assert.ok(e instanceof RangeError);
        assert.equal(e.name, 'SiteTableFullError');
        assert.equal(e.message, 'the site table is full (5 function and suspension sites)');
        return true;
      });
      assert.throws(() => addSite(site('function', 9)), { message: 'the site table is full (5 function and suspension sites)' });
      assert.equal(addSite(site('return', 10)), RETURN_SITE_BASE + 2);
      siteLimits.capacity = 3;
      assert.throws(() => addSite(site('return', 11)), { name: 'SiteTableFullError', message: 'the site table is full (3 return sites)' });
      assert.equal(siteCount(), 8, 'refused sites are not counted');
      assert.equal(getSite(5), undefined);
    } finally {
      siteLimits.capacity = saved;
    }
  });
});

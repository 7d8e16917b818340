/** NODE_OPTIONS as the command extends it for the script's process tree (node-options.ts). */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quoteNodeOption, splitNodeOptions, uninstrumentedEnvironment, withPreload, withoutPreload } from '../dist/cli/node-options.js';

const PRELOAD = 'file:///opt/awaitwhat/dist/cli/preload.js?awaitwhat=%7B%7D';
const OUTER = 'file:///elsewhere/node_modules/awaitwhat/dist/cli/preload.js?awaitwhat=%7B%22once%22%3Atrue%7D';

describe('NODE_OPTIONS', () => {
  it('splits as Node.js does: spaces, double quotes, backslash escapes inside quotes', () => {
    assert.deepEqual(splitNodeOptions('--a  --b="x y" "--c=\\"q\\"" --d=\\z'), ['--a', '--b=x y', '--c="q"', '--d=\\z']);
  });

  it('quotes an argument only when it needs it, so that it splits back whole', () => {
    for (const arg of ['--import=file:///a/b.js', '--title=has space', 'back\\slash "quoted"']) assert.deepEqual(splitNodeOptions(quoteNodeOption(arg)), [arg]);
    assert.equal(quoteNodeOption('--import=file:///a/b.js'), '--import=file:///a/b.js');
  });

  it("adds the preload after the user's options, which stay as the user wrote them", () => {
    assert.equal(withPreload(undefined, PRELOAD), `--import=${PRELOAD}`);
    assert.equal(withPreload('', PRELOAD), `--import=${PRELOAD}`);
    assert.equal(withPreload('--import tsx  --max-old-space-size=4096', PRELOAD), `--import tsx  --max-old-space-size=4096 --import=${PRELOAD}`);
    assert.equal(withPreload('--title="a b"', 'file:///x y/preload.js?awaitwhat=1'), '--title="a b" "--import=file:///x y/preload.js?awaitwhat=1"');
  });

  it('replaces the preload of an awaitwhat run around this one, in either spelling', () => {
    assert.equal(withPreload(`--import tsx --import=${OUTER} --no-warnings`, PRELOAD), `--import tsx --no-warnings --import=${PRELOAD}`);
    assert.equal(withPreload(`--import ${OUTER}`, PRELOAD), `--import=${PRELOAD}`);
    assert.equal(withoutPreload('--import tsx'), '--import tsx');
  });

  it('--no-children: the environment keeps no awaitwhat preload, and is untouched when there is none', () => {
    const env = { PATH: '/bin', NODE_OPTIONS: '--import tsx' };
    assert.equal(uninstrumentedEnvironment(env), env);
    assert.deepEqual(uninstrumentedEnvironment({ PATH: '/bin', NODE_OPTIONS: `--import=${OUTER}` }), { PATH: '/bin' });
    assert.deepEqual(uninstrumentedEnvironment({ NODE_OPTIONS: `--import tsx --import=${OUTER}` }), { NODE_OPTIONS: '--import tsx' });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instrumentSnippet } from './support/transform.ts';

/** Function name → source in which an async function with that name appears first. */
const NAMES: [string, string][] = [
  ['load', 'async function load() {}'],
  ['load', 'const load = async () => {};'],
  ['named', 'const load = async function named() {};'],
  ['Repo.find', 'class Repo { async find() {} }'],
  ['Repo.open', 'class Repo { static async open() {} }'],
  ['Repo.#load', 'class Repo { async #load() {} }'],
  ['Repo[Symbol.asyncIterator]', 'class Repo { async *[Symbol.asyncIterator]() {} }'],
  ['Repo.handler', 'class Repo { handler = async () => {}; }'],
  ['Store.get', 'const Store = class { async get() {} };'],
  ['api.fetchUser', 'const api = { async fetchUser() {} };'],
  ['api.users.find', 'const api = { users: { find: async () => {} } };'],
  ['fetchUser', 'run({ async fetchUser() {} });'],
  ['exports.handler', 'exports.handler = async () => {};'],
  ['this.load', 'this.load = async () => {};'],
  ['retry', 'function f({ retry = async () => {} }) {}'],
  ['default', 'export default async function () {}'],
  ['<anonymous>', 'items.map(async (x) => x);'],
];

describe('function names in reports', () => {
  for (const [name, source] of NAMES) {
    it(`${source} → ${name}`, () => {
      const fn = instrumentSnippet(source).sites.find((s) => s.kind === 'function' || s.kind === 'generator');
      assert.equal(fn?.name, name);
    });
  }
});

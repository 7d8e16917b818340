// Names of class methods (instance, static, private), getters returning promises, async arrows and object methods.
import { once } from 'node:events';
import { EventEmitter } from 'node:events';

const never = new EventEmitter();

class Repo {
  static async open() { const repo = new Repo(); await repo.#connect(); return repo; }
  async #connect() { await this.ready; }
  get ready() { return this.load(); }
  async load() { await once(never, 'loaded'); }
}

const api = {
  async fetchUser(id) { return await Repo.open(); },
};

const handler = async (req) => { await api.fetchUser(req.id); };

handler({ id: 1 });
console.log('started');

setTimeout(() => {}, 60_000); // keeps the process alive, as a server would

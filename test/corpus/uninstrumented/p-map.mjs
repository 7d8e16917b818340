// A mapper library awaitwhat does not instrument (the corpus runs group.mjs with --exclude
// uninstrumented): it calls the mapper for every item during the call, and returns a promise of
// its own, which settles when every mapped promise has.
export function pMap(items, mapper) {
  return new Promise((resolve, reject) => {
    const results = [];
    let left = items.length;
    items.forEach((item, i) => {
      mapper(item).then((value) => {
        results[i] = value;
        if (--left === 0) resolve(results);
      }, reject);
    });
  });
}

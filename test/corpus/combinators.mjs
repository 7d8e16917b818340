// Promise.all, allSettled, race and any, each with one member that never settles.
const never = () => new Promise(() => {});
const soon = (v) => new Promise((resolve) => setTimeout(resolve, 1, v));

async function slow(tag) { await never(); }

async function viaAll() { await Promise.all([soon(1), slow('all')]); }
async function viaAllSettled() { await Promise.allSettled([soon(1), slow('allSettled'), Promise.reject(new Error('x'))]); }
async function viaRace() { await Promise.race([never(), slow('race')]); }
async function viaAny() { await Promise.any([Promise.reject(new Error('no')), slow('any')]); }

viaAll();
viaAllSettled();
viaRace();
viaAny();

setTimeout(() => {}, 60_000); // keeps the process alive, as a server would

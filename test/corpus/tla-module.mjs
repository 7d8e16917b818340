// Top-level await that never settles: Node.js exits with code 13.
console.log('waiting');
await new Promise(() => {});

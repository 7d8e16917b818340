// The HTTP benchmark's server. /inst is served by the instrumented handler, /plain by the same
// code from a file awaitwhat never instruments, so that one process can compare the two.
import http from 'node:http';
import { handle as instrumented } from './http-handler.mjs';
import { handle as plain } from './http-handler-plain.mjs';

const server = http.createServer((req, res) => {
  // The benchmark reads the server's CPU time before and after a load, for CPU time per request.
  if (req.url === '/cpu') {
    const { user, system } = process.cpuUsage();
    res.end(String(user + system));
    return;
  }
  const handle = req.url === '/plain' ? plain : instrumented;
  handle(req).then((body) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
// For profiling: stop by itself (so --cpu-prof can write its profile).
if (process.env.EXIT_AFTER_MS !== undefined) setTimeout(() => process.exit(0), Number(process.env.EXIT_AFTER_MS)).unref();

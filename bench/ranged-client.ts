// Large-body client in a process of its own: the bench's main process holds a big heap by then
// (the violation-volume section), and in it this loop measured its own garbage collector (direct
// ~150 MB/s against ~1,500 from a fresh process). Reads argv[3] bytes as consecutive 16 MiB Range
// requests and prints MB/s.
import http from 'node:http';

const [url, totalArg] = process.argv.slice(2);
const total = Number(totalArg);
const chunk = 16 * 1024 * 1024;
const agent = new http.Agent({ keepAlive: true });
const t0 = process.hrtime.bigint();
for (let start = 0; start < total; start += chunk) {
  const end = Math.min(start + chunk, total) - 1;
  await new Promise<void>((resolve, reject) => {
    http.get(url!, { agent, headers: { range: `bytes=${start}-${end}` } }, (res) => {
      if (res.statusCode !== 206) reject(new Error(`expected 206, got ${res.statusCode}`));
      res.on('data', () => undefined).on('end', () => resolve()).on('error', reject);
    }).on('error', reject);
  });
}
agent.destroy();
console.log(total / (1024 * 1024) / (Number(process.hrtime.bigint() - t0) / 1e9));

// Bench upstream: a small JSON API answer and a virtual 1 GiB "video" served with Range/206,
// generated on the fly (no disk), so every path is measured against the same server.
import http from 'node:http';

const SIZE = 1024 ** 3;
const block = Buffer.alloc(64 * 1024, 7);
http.createServer((req, res) => {
  if (req.url === '/api/server/ping') {
    res.writeHead(200, { 'content-type': 'application/json', 'x-powered-by': 'Express' });
    res.end('{"res":"pong"}');
    return;
  }
  const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
  const start = m ? Number(m[1]) : 0;
  const end = m ? Math.min(Number(m[2]), SIZE - 1) : SIZE - 1;
  res.writeHead(m ? 206 : 200, { 'content-type': 'video/mp4', 'accept-ranges': 'bytes', 'content-length': end - start + 1, ...(m ? { 'content-range': `bytes ${start}-${end}/${SIZE}` } : {}) });
  let left = end - start + 1;
  const pump = () => {
    while (left > 0) {
      const n = Math.min(left, block.length);
      left -= n;
      if (!res.write(n === block.length ? block : block.subarray(0, n))) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}).listen(Number(process.argv[2]), '127.0.0.1');

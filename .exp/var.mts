import http from 'node:http';
import httpProxy from 'http-proxy';
import { startProxy } from '../src/proxy/proxy.ts';
const [v, portArg] = process.argv.slice(2);
const port = Number(portArg);
const T = 'http://127.0.0.1:47001';
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
if (v === 'raw') {
  http.createServer((req, res) => {
    const up = http.request({ host: '127.0.0.1', port: 47001, path: req.url, method: req.method, headers: req.headers, agent }, (r) => { res.writeHead(r.statusCode!, r.headers); r.pipe(res); });
    req.pipe(up);
  }).listen(port, '127.0.0.1');
} else if (v === 'hp' || v === 'hpt') {
  const proxy = httpProxy.createProxyServer({ target: T, agent, changeOrigin: true, ...(v === 'hpt' ? { proxyTimeout: 60000 } : {}) });
  http.createServer((req, res) => proxy.web(req, res, {}, () => res.end())).listen(port, '127.0.0.1');
} else {
  await startProxy({ target: T, policy: null, port });
}

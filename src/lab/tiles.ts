// The lab's second origin, standing in for tiles.immich.cloud / static.immich.cloud: the map style,
// raster tiles and sprite come from here, so connect-src / img-src decisions matter as on the real app.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { MEDIA_DIR } from './data.js';

export interface TileServer {
  origin: string;
  styleUrl: string;
  /** Paths requested so far (the map journey's proof that tiles really came from here). */
  requests: string[];
  close(): Promise<void>;
}

export async function startTileServer(host = '127.0.0.1'): Promise<TileServer> {
  const tile = readFileSync(path.join(MEDIA_DIR, 'tile.png'));
  const requests: string[] = [];
  let origin = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url.pathname);
    const headers = { 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=3600' };
    if (url.pathname === '/v1/style/light.json' || url.pathname === '/v1/style/dark.json') {
      const dark = url.pathname.includes('dark');
      res.writeHead(200, { ...headers, 'content-type': 'application/json' });
      res.end(JSON.stringify({
        version: 8,
        name: dark ? 'lab-dark' : 'lab-light',
        sprite: `${origin}/v1/sprites/${dark ? 'dark' : 'light'}`,
        sources: { base: { type: 'raster', tiles: [`${origin}/v1/tiles/{z}/{x}/{y}.png`], tileSize: 256, maxzoom: 6 } },
        layers: [
          { id: 'background', type: 'background', paint: { 'background-color': dark ? '#223' : '#dde3ea' } },
          { id: 'base', type: 'raster', source: 'base' },
        ],
      }));
    } else if (/^\/v1\/tiles\/\d+\/\d+\/\d+\.png$/.test(url.pathname)) {
      res.writeHead(200, { ...headers, 'content-type': 'image/png' });
      res.end(tile);
    } else if (/^\/v1\/sprites\/(light|dark)(@2x)?\.json$/.test(url.pathname)) {
      res.writeHead(200, { ...headers, 'content-type': 'application/json' });
      res.end(JSON.stringify({ pin: { x: 0, y: 0, width: 32, height: 32, pixelRatio: url.pathname.includes('@2x') ? 2 : 1 } }));
    } else if (/^\/v1\/sprites\/(light|dark)(@2x)?\.png$/.test(url.pathname)) {
      res.writeHead(200, { ...headers, 'content-type': 'image/png' });
      res.end(tile);
    } else {
      res.writeHead(404, headers);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    styleUrl: `${origin}/v1/style/light.json`,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

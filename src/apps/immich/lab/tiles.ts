// The lab's stand-in for tiles.immich.cloud and static.immich.cloud: an HTTPS server (certificate
// in tls/, made for those two names) plus a tiny CONNECT tunnel that the browser context uses as
// its proxy. Only those two names are tunnelled, and loopback traffic never goes through it, so
// the map loads its style, tiles and sprite from the real third-party origins' names and a CSP
// written for the real Immich applies to the lab unchanged.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { MEDIA_DIR } from './data.js';

const TLS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'tls');
export const TILE_HOST = 'tiles.immich.cloud';
export const STATIC_HOST = 'static.immich.cloud';

/**
 * A minimal Mapbox Vector Tile (protobuf): layer "land" covering the tile and layer "water", a
 * triangle. Vector tiles are decoded in maplibre's blob: worker, as on tiles.immich.cloud, so a CSP
 * that blocks that worker leaves the map blank here too.
 */
export function vectorTile(): Buffer {
  const varint = (n: number): number[] => {
    const out: number[] = [];
    while (n > 127) {
      out.push((n & 127) | 128);
      n >>>= 7;
    }
    out.push(n);
    return out;
  };
  const zz = (n: number) => (n << 1) ^ (n >> 31);
  const field = (num: number, wire: number) => varint((num << 3) | wire);
  const bytes = (num: number, payload: number[]) => [...field(num, 2), ...varint(payload.length), ...payload];
  const str = (num: number, s: string) => bytes(num, [...Buffer.from(s)]);
  const ring = (pts: [number, number][]) => {
    const cmds: number[] = [9, zz(pts[0]![0]), zz(pts[0]![1]), ((pts.length - 1) << 3) | 2];
    for (let i = 1; i < pts.length; i++) cmds.push(zz(pts[i]![0] - pts[i - 1]![0]), zz(pts[i]![1] - pts[i - 1]![1]));
    cmds.push(15);
    return cmds;
  };
  const feature = (geometry: number[]) => [...field(3, 0), 3 /* POLYGON */, ...bytes(4, geometry.flatMap(varint))];
  const layer = (name: string, geometry: number[]) =>
    bytes(3, [...field(15, 0), 2, ...str(1, name), ...bytes(2, feature(geometry)), ...field(5, 0), ...varint(4096)]);
  return Buffer.from([
    ...layer('land', ring([[0, 0], [4096, 0], [4096, 4096], [0, 4096]])),
    ...layer('water', ring([[0, 0], [4096, 0], [0, 4096]])),
  ]);
}

export interface TileServer {
  /** https://tiles.immich.cloud */
  origin: string;
  /** https://static.immich.cloud */
  staticOrigin: string;
  styleUrl: string;
  /** HTTP proxy URL a browser context must use to reach the two names. */
  browserProxy: string;
  /** `host path` of every request served (the map journey's proof that tiles came from here). */
  requests: string[];
  close(): Promise<void>;
}

export async function startTileServer(host = '127.0.0.1'): Promise<TileServer> {
  const tile = readFileSync(path.join(MEDIA_DIR, 'tile.png'));
  const mvt = vectorTile();
  const requests: string[] = [];
  const origin = `https://${TILE_HOST}`;
  const staticOrigin = `https://${STATIC_HOST}`;
  const server = https.createServer(
    { key: readFileSync(path.join(TLS_DIR, 'lab-tiles.key')), cert: readFileSync(path.join(TLS_DIR, 'lab-tiles.crt')) },
    (req, res) => {
      const url = new URL(req.url ?? '/', 'https://x');
      const name = (req.headers.host ?? '').split(':')[0];
      requests.push(`${name} ${url.pathname}`);
      const headers = { 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=3600' };
      const send = (type: string, body: string | Buffer) => {
        res.writeHead(200, { ...headers, 'content-type': type });
        res.end(body);
      };
      if (name === TILE_HOST && /^\/v1\/style\/(light|dark)\.json$/.test(url.pathname)) {
        const dark = url.pathname.includes('dark');
        return send('application/json', JSON.stringify({
          version: 8,
          name: dark ? 'lab-dark' : 'lab-light',
          sprite: `${staticOrigin}/v1/sprites/${dark ? 'dark' : 'light'}`,
          sources: { base: { type: 'vector', tiles: [`${origin}/v1/tiles/{z}/{x}/{y}.mvt`], maxzoom: 6 } },
          layers: [
            { id: 'background', type: 'background', paint: { 'background-color': dark ? '#223' : '#dde3ea' } },
            { id: 'land', type: 'fill', source: 'base', 'source-layer': 'land', paint: { 'fill-color': dark ? '#354' : '#cfe3c4' } },
            { id: 'water', type: 'fill', source: 'base', 'source-layer': 'water', paint: { 'fill-color': dark ? '#124' : '#9cc3e6' } },
          ],
        }));
      }
      if (name === TILE_HOST && /^\/v1\/tiles\/\d+\/\d+\/\d+\.mvt$/.test(url.pathname)) return send('application/vnd.mapbox-vector-tile', mvt);
      if (name === STATIC_HOST && /^\/v1\/sprites\/(light|dark)(@2x)?\.json$/.test(url.pathname)) {
        return send('application/json', JSON.stringify({ pin: { x: 0, y: 0, width: 32, height: 32, pixelRatio: url.pathname.includes('@2x') ? 2 : 1 } }));
      }
      if (name === STATIC_HOST && /^\/v1\/sprites\/(light|dark)(@2x)?\.png$/.test(url.pathname)) return send('image/png', tile);
      res.writeHead(404, headers);
      res.end();
    },
  );
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const tlsPort = (server.address() as AddressInfo).port;

  // The tunnel: CONNECT tiles.immich.cloud:443 / static.immich.cloud:443 → our TLS server; nothing else.
  const tunnel = http.createServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  // CONNECTed sockets leave the HTTP server's books (closeAllConnections does not see them); a
  // browser that outlives this lab (Firefox, shared by a worker slot's projects) keeps its pooled
  // tunnels open, so close() ends them itself.
  const tunnels = new Set<net.Socket>();
  tunnel.on('connect', (req, socket: net.Socket, head) => {
    socket.on('error', () => undefined);
    tunnels.add(socket);
    socket.on('close', () => tunnels.delete(socket));
    const [name, port] = (req.url ?? '').split(':');
    if ((name !== TILE_HOST && name !== STATIC_HOST) || port !== '443') {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream = net.connect(tlsPort, host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => tunnel.listen(0, host, resolve));
  return {
    origin,
    staticOrigin,
    styleUrl: `${origin}/v1/style/light.json`,
    browserProxy: `http://${host}:${(tunnel.address() as AddressInfo).port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      tunnel.closeAllConnections();
      for (const s of tunnels) s.destroy();
      await Promise.all([
        new Promise<void>((resolve) => server.close(() => resolve())),
        new Promise<void>((resolve) => tunnel.close(() => resolve())),
      ]);
    },
  };
}

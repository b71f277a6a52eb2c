// The lab target: an Immich-shaped web app on loopback. Routes, cookies, headers and resource
// patterns follow shared/immich-web-facts.md so the same journeys and the same breakages apply.
import http from 'node:http';
import https from 'node:https';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { Server as SocketServer } from 'socket.io';
import { assetDto, LAB_ASSETS, LAB_PASSWORD, LAB_USER, mediaFile, MEDIA_DIR, type LabAsset } from './data.js';
import { startTileServer, type TileServer } from './tiles.js';
import { labShape, type VersionShape } from '../versions/index.js';
import { versionString } from '../version.js';
import { SEED_ALBUM } from '../seed.js';

const CLIENT_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'client');
const require = createRequire(import.meta.url);

export interface LabOptions {
  host?: string;
  port?: number;
  /** Changes the bootstrap script (and so its hash), as every Immich build does. */
  buildId?: string;
  /** Serve the map feature (default true). */
  map?: boolean;
  /** Serve HTTPS with this certificate (a staging host under a made-up name, in tests). */
  tls?: { cert: string; key: string };
  /** The user's login (default: the lab's own throwaway one). */
  credentials?: { email: string; password: string };
  /** An API key that authenticates as that user (x-api-key), for key-only setups. */
  apiKey?: string;
  /** Start with an empty library (as a fresh staging host: seed it with `headerproof seed`). */
  empty?: boolean;
  /** Which Immich the lab imitates (src/immich/versions/): "v1.135", "v3.1", "1.135.3", … (default: the newest). */
  version?: string;
  /** Whether the user has finished onboarding (default true; a fresh staging user has not). */
  onboarded?: boolean;
}

export interface LabTarget {
  url: string;
  /** The Immich version shape the lab imitates. */
  shape: VersionShape;
  tiles: TileServer;
  credentials: { email: string; password: string };
  /** Requests seen, path only (for tests that prove what reached the target). */
  requests: string[];
  /** Every session token, shared-link key and API key issued (for tests that prove none leaks into a report). */
  issuedTokens: string[];
  /** Sessions still valid (logins and API-created sessions not deleted). */
  activeSessions(): number;
  /** The library as it is now (uploads included). */
  assets: LabAsset[];
  albums: { id: string; albumName: string; assetIds: string[] }[];
  /** Public links to albums (their key lets a visitor without a session see the album). */
  sharedLinks: { id: string; key: string; albumId: string }[];
  /** API keys created through the API (id → secret). */
  apiKeys: Map<string, string>;
  close(): Promise<void>;
}

interface StaticFile { body: Buffer; type: string }

function loadStatic(buildId: string): Map<string, StaticFile> {
  const js = 'text/javascript; charset=utf-8';
  const css = 'text/css; charset=utf-8';
  const files = new Map<string, StaticFile>();
  const add = (url: string, file: string, type: string) => files.set(url, { body: readFileSync(file), type });
  add(`/_app/immutable/entry/start.${buildId}.js`, path.join(CLIENT_DIR, 'start.js'), js);
  add(`/_app/immutable/entry/app.${buildId}.js`, path.join(CLIENT_DIR, 'app.js'), js);
  add(`/_app/immutable/assets/app.${buildId}.css`, path.join(CLIENT_DIR, 'app.css'), css);
  const maplibre = path.dirname(require.resolve('maplibre-gl/package.json'));
  add(`/_app/immutable/chunks/maplibre-gl.${buildId}.js`, path.join(maplibre, 'dist/maplibre-gl.js'), js);
  add(`/_app/immutable/assets/maplibre-gl.${buildId}.css`, path.join(maplibre, 'dist/maplibre-gl.css'), css);
  const sio = path.dirname(require.resolve('socket.io-client/package.json'));
  add(`/_app/immutable/chunks/socket.io.${buildId}.js`, path.join(sio, 'dist/socket.io.esm.min.js'), js);
  add(`/_app/immutable/workers/hash-file.${buildId}.js`, path.join(CLIENT_DIR, 'hash-file.js'), js);
  return files;
}

/**
 * The HTML shell: a static theme script, the build-specific bootstrap script, two inline styles.
 * The bootstrap hands the client its chunk URLs and the version shape it imitates.
 */
export function appShell(buildId: string, shape: VersionShape = labShape(undefined)): string {
  const chunks = {
    maplibre: `/_app/immutable/chunks/maplibre-gl.${buildId}.js`,
    maplibreCss: `/_app/immutable/assets/maplibre-gl.${buildId}.css`,
    socketio: `/_app/immutable/chunks/socket.io.${buildId}.js`,
    hashWorker: `/_app/immutable/workers/hash-file.${buildId}.js`,
    version: versionString(shape.lab.version),
    shape: { ...shape.lab, mapFullscreenControl: shape.journeys.mapFullscreenControl },
  };
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <link rel="icon" href="/favicon.ico" />
    <link rel="stylesheet" href="/_app/immutable/assets/app.${buildId}.css" />
    <script>
      // theme: applied before first paint so the page does not flash
      var storedTheme = localStorage.getItem('color-theme');
      var wantsDark = storedTheme ? storedTheme === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
      document.documentElement.classList.toggle('dark', wantsDark);
    </script>
    <style>
      #stencil { position: fixed; inset: 0; display: flex; align-items: center; justify-content: center; }
    </style>
    <style>
      @keyframes stencil-spin { to { transform: rotate(360deg); } }
      #stencil svg { width: 6rem; animation: stencil-spin 1.5s linear infinite; }
    </style>
  </head>
  <body>
    <div id="stencil" style="background: transparent"><svg viewBox="0 0 10 10" aria-label="Loading"><circle cx="5" cy="5" r="4" fill="none" stroke="#4250af" stroke-width="1" stroke-dasharray="12 6" /></svg></div>
    <div style="display: contents">
      <script>
        {
          __sveltekit_${buildId} = { base: '', env: {} };
          globalThis.__labAssets = ${JSON.stringify(chunks)};
          const element = document.currentScript.parentElement;
          Promise.all([import('/_app/immutable/entry/start.${buildId}.js'), import('/_app/immutable/entry/app.${buildId}.js')])
            .then(([kit, app]) => kit.start(app, element));
        }
        if ('serviceWorker' in navigator) {
          addEventListener('load', () => navigator.serviceWorker.register('/service-worker.js'));
        }
      </script>
    </div>
  </body>
</html>
`;
}

const SPA_ROUTES = [/^\/$/, /^\/auth\/login$/, /^\/auth\/onboarding$/, /^\/photos$/, /^\/photos\/[^/]+$/, /^\/map$/, /^\/search$/, /^\/share\/[^/]+$/, /^\/share\/[^/]+\/photos\/[^/]+$/];

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

async function readJson(req: http.IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1_000_000) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
}

export async function startLab(options: LabOptions = {}): Promise<LabTarget> {
  const host = options.host ?? '127.0.0.1';
  const buildId = options.buildId ?? 'Bq3xk2lab';
  const shape = labShape(options.version);
  const statics = loadStatic(buildId);
  const shell = appShell(buildId, shape);
  let onboarded = options.onboarded ?? true;
  const serviceWorker = readFileSync(path.join(CLIENT_DIR, 'service-worker.js'));
  const favicon = readFileSync(path.join(MEDIA_DIR, 'favicon.ico'));
  const tiles = await startTileServer(host);
  const login = options.credentials ?? { email: LAB_USER.email, password: LAB_PASSWORD };
  const user = { ...LAB_USER, email: login.email };
  /** token → session id */
  const sessions = new Map<string, string>();
  const issuedTokens: string[] = [];
  const requests: string[] = [];
  const assets: LabAsset[] = options.empty ? [] : LAB_ASSETS.map((a) => ({ ...a }));
  // Like a server `headerproof seed` has filled: the samples are also in its album.
  const albums: LabTarget['albums'] = options.empty ? [] : [{ id: 'a1b2c3d4-0000-4000-8000-00000000a1b0', albumName: SEED_ALBUM, assetIds: LAB_ASSETS.map((a) => a.id) }];
  const sharedLinks: LabTarget['sharedLinks'] = [];
  const apiKeys = new Map<string, string>();
  const uploadDir = mkdtempSync(path.join(os.tmpdir(), 'headerproof-lab-uploads-'));
  const sampleByChecksum = new Map(LAB_ASSETS.map((a) => [createHash('sha1').update(readFileSync(mediaFile(a, 'original').file)).digest('hex'), a]));
  let nextToken = 1;

  const isAuthed = (req: http.IncomingMessage): boolean => {
    const apiKey = req.headers['x-api-key'];
    if (typeof apiKey === 'string' && (apiKey === options.apiKey || [...apiKeys.values()].includes(apiKey))) return true;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? parseCookies(req.headers.cookie).immich_access_token;
    return token !== undefined && sessions.has(token);
  };

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    // Like Express: every response says what it is built with.
    res.setHeader('X-Powered-By', 'Express');
    const url = new URL(req.url ?? '/', 'http://lab');
    requests.push(url.pathname);
    const json = (status: number, body: unknown, extra: http.OutgoingHttpHeaders = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-immich-cid': `lab${requests.length}`, ...extra });
      res.end(JSON.stringify(body));
    };
    try {
      if (req.method === 'GET' && SPA_ROUTES.some((r) => r.test(url.pathname))) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        return res.end(shell);
      }
      const file = statics.get(url.pathname);
      if (file && req.method === 'GET') {
        res.writeHead(200, { 'content-type': file.type, 'cache-control': 'public,max-age=31536000,immutable' });
        return res.end(file.body);
      }
      if (url.pathname === '/service-worker.js') {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' });
        return res.end(serviceWorker);
      }
      if (url.pathname === '/favicon.ico') {
        res.writeHead(200, { 'content-type': 'image/x-icon', 'cache-control': 'public, max-age=86400' });
        return res.end(favicon);
      }
      if (url.pathname === '/.well-known/immich') return json(200, { api: { endpoint: '/api' } });
      if (!url.pathname.startsWith('/api/')) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end('Not found');
      }
      return await handleApi(req, res, url, json);
    } catch (err) {
      if (!res.headersSent) json(400, { message: (err as Error).message, statusCode: 400 });
      else res.destroy();
    }
  };
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler) : http.createServer(handler);
  // Every socket, upgraded ones too (closeAllConnections does not see those): close() ends them all,
  // so a browser that outlives this lab (Firefox, kept by a worker slot) cannot hold it open.
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handleApi(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    json: (status: number, body: unknown, extra?: http.OutgoingHttpHeaders) => void,
  ): Promise<void> {
    const p = url.pathname;
    /** DELETE of one item by id, answered as Immich does: 204, or the given error status. */
    function removeById<T extends { id: string }>(list: T[], id: string, notFoundStatus: number, message: string): void {
      const i = list.findIndex((x) => x.id === id);
      if (i < 0) return json(notFoundStatus, { message, statusCode: notFoundStatus });
      list.splice(i, 1);
      res.writeHead(204);
      res.end();
    }
    if (p === '/api/server/ping') return json(200, { res: 'pong' });
    if (p === '/api/server/version') return json(200, { ...shape.lab.version, ...(shape.lab.version.major >= 2 ? { prerelease: null } : {}) });
    if (p === '/api/auth/login' && req.method === 'POST') {
      const body = await readJson(req);
      if (body.email !== login.email || body.password !== login.password) {
        return json(401, { message: 'Incorrect email or password', statusCode: 401 });
      }
      const token = `labtoken${nextToken++}x${Math.random().toString(36).slice(2)}`;
      sessions.set(token, randomUUID());
      issuedTokens.push(token);
      const secure = (req.socket as { encrypted?: boolean }).encrypted ? '; Secure' : '';
      return json(201, { accessToken: token, userId: user.id, userEmail: user.email, name: user.name, isAdmin: true, shouldChangePassword: false, isOnboarded: onboarded }, {
        'set-cookie': [
          `immich_access_token=${token}; Path=/; HttpOnly; SameSite=Lax${secure}`,
          `immich_auth_type=password; Path=/; HttpOnly; SameSite=Lax${secure}`,
          `immich_is_authenticated=true; Path=/; SameSite=Lax${secure}`,
        ],
      });
    }
    if (p === '/api/server/features') return json(200, { map: options.map !== false, search: true, smartSearch: false, reverseGeocoding: true });
    if (p === '/api/server/config') return json(200, { isOnboarded: true, mapLightStyleUrl: tiles.styleUrl, mapDarkStyleUrl: `${tiles.origin}/v1/style/dark.json` });
    // A shared link's key (?key=) opens its album and that album's assets, nothing else.
    const shared = url.searchParams.has('key') ? sharedLinks.find((l) => l.key === url.searchParams.get('key')) : undefined;
    if (shared && req.method === 'GET') {
      const album = albums.find((a) => a.id === shared.albumId);
      if (p === '/api/shared-links/me') return json(200, { id: shared.id, key: shared.key, type: 'ALBUM', album: album ? albumDto(album) : null, assets: [], showMetadata: true, allowDownload: true });
      const assetId = /^\/api\/assets\/([^/]+)(?:\/(?:thumbnail|original|video\/playback))?$/.exec(p)?.[1];
      if (album && assetId && album.assetIds.includes(assetId)) return serveAsset(req, res, url, json);
      return json(401, { message: 'Invalid share key', statusCode: 401 });
    }
    if (!isAuthed(req)) return json(401, { message: 'Authentication required', statusCode: 401 });
    if (p === '/api/auth/logout' && req.method === 'POST') {
      return json(200, { successful: true, redirectUri: '/auth/login' }, {
        'set-cookie': ['immich_access_token=; Path=/; Max-Age=0', 'immich_auth_type=; Path=/; Max-Age=0', 'immich_is_authenticated=; Path=/; Max-Age=0'],
      });
    }
    if (p === '/api/users/me') return json(200, { ...user, isAdmin: true });
    if (p === '/api/users/me/onboarding' && req.method === 'GET') return json(200, { isOnboarded: onboarded });
    if (p === '/api/users/me/onboarding' && req.method === 'PUT') {
      const body = await readJson(req);
      if (typeof body.isOnboarded !== 'boolean') return json(400, { message: ['isOnboarded must be a boolean value'], statusCode: 400 });
      onboarded = body.isOnboarded;
      return json(200, { isOnboarded: onboarded });
    }
    if (p === '/api/sessions' && req.method === 'POST') {
      // As Immich: an API key (or a session) creates a session whose token logs a browser in.
      const token = `labsession${nextToken++}x${Math.random().toString(36).slice(2)}`;
      const id = randomUUID();
      sessions.set(token, id);
      issuedTokens.push(token);
      return json(201, { id, token, current: false, deviceOS: 'headerproof', deviceType: 'headerproof', createdAt: new Date().toISOString() });
    }
    const sessionId = /^\/api\/sessions\/([^/]+)$/.exec(p)?.[1];
    if (sessionId && req.method === 'DELETE') {
      for (const [token, id] of sessions) if (id === sessionId) sessions.delete(token);
      res.writeHead(204);
      return void res.end();
    }
    if (p === '/api/assets' && req.method === 'POST') return upload(req, json);
    if (p === '/api/assets' && req.method === 'DELETE') {
      const body = await readJson(req);
      const ids = new Set<string>(Array.isArray(body.ids) ? body.ids : []);
      for (let i = assets.length - 1; i >= 0; i--) if (ids.has(assets[i]!.id)) assets.splice(i, 1);
      for (const album of albums) album.assetIds = album.assetIds.filter((id) => !ids.has(id));
      res.writeHead(204);
      return void res.end();
    }
    if (p === '/api/albums' && req.method === 'GET') return json(200, albums.map(albumDto));
    if (p === '/api/albums' && req.method === 'POST') {
      const body = await readJson(req);
      if (typeof body.albumName !== 'string' || !body.albumName) return json(400, { message: ['albumName must be a string'], statusCode: 400 });
      const album = { id: randomUUID(), albumName: body.albumName, assetIds: (Array.isArray(body.assetIds) ? body.assetIds : []).filter((id: string) => assets.some((a) => a.id === id)) };
      albums.push(album);
      return json(201, albumDto(album));
    }
    const albumAssets = /^\/api\/albums\/([^/]+)\/assets$/.exec(p)?.[1];
    if (albumAssets && req.method === 'PUT') {
      const album = albums.find((a) => a.id === albumAssets);
      if (!album) return json(404, { message: 'Album not found', statusCode: 404 });
      const body = await readJson(req);
      const ids: string[] = Array.isArray(body.ids) ? body.ids : [];
      const answer = ids.map((id) => ({ id, success: !album.assetIds.includes(id) && assets.some((a) => a.id === id), ...(album.assetIds.includes(id) ? { error: 'duplicate' } : {}) }));
      for (const a of answer) if (a.success) album.assetIds.push(a.id);
      return json(200, answer);
    }
    const albumId = /^\/api\/albums\/([^/]+)$/.exec(p)?.[1];
    if (albumId && req.method === 'GET') {
      const album = albums.find((a) => a.id === albumId);
      return album ? json(200, albumDto(album)) : json(404, { message: 'Album not found', statusCode: 404 });
    }
    if (albumId && req.method === 'DELETE') return removeById(albums, albumId, 404, 'Album not found');
    if (p === '/api/shared-links' && req.method === 'POST') {
      const body = await readJson(req);
      if (body.type !== 'ALBUM' || !albums.some((a) => a.id === body.albumId)) return json(400, { message: 'Invalid albumId', statusCode: 400 });
      const link = { id: randomUUID(), key: randomBytes(48).toString('base64url'), albumId: String(body.albumId) };
      sharedLinks.push(link);
      issuedTokens.push(link.key);
      return json(201, { id: link.id, key: link.key, type: 'ALBUM', showMetadata: body.showMetadata !== false, allowDownload: body.allowDownload !== false });
    }
    const linkId = /^\/api\/shared-links\/([^/]+)$/.exec(p)?.[1];
    if (linkId && req.method === 'DELETE') return removeById(sharedLinks, linkId, 400, 'Shared link not found');
    if (p === '/api/api-keys' && req.method === 'POST') {
      const body = await readJson(req);
      if (!Array.isArray(body.permissions) || !body.permissions.length) return json(400, { message: ['permissions must contain at least 1 elements'], statusCode: 400 });
      const id = randomUUID();
      const secret = randomBytes(30).toString('base64url');
      apiKeys.set(id, secret);
      issuedTokens.push(secret);
      return json(201, { secret, apiKey: { id, name: String(body.name ?? 'API Key'), permissions: body.permissions, createdAt: new Date().toISOString() } });
    }
    const keyId = /^\/api\/api-keys\/([^/]+)$/.exec(p)?.[1];
    if (keyId && req.method === 'DELETE') {
      if (!apiKeys.delete(keyId)) return json(400, { message: 'API Key not found', statusCode: 400 });
      res.writeHead(204);
      return void res.end();
    }
    if (p === '/api/assets/bulk-upload-check' && req.method === 'POST') {
      const body = await readJson(req);
      const results = (Array.isArray(body.assets) ? body.assets : []).map((a: { id: string; checksum: string }) => {
        const existing = assets.find((x) => x.checksum === a.checksum);
        return existing ? { id: a.id, action: 'reject', reason: 'duplicate', assetId: existing.id, isTrashed: false } : { id: a.id, action: 'accept' };
      });
      return json(200, { results });
    }
    if (p === '/api/timeline/buckets') {
      const months = new Map<string, number>();
      for (const a of assets) months.set(a.fileCreatedAt.slice(0, 7), (months.get(a.fileCreatedAt.slice(0, 7)) ?? 0) + 1);
      return json(200, [...months].map(([m, count]) => ({ timeBucket: `${m}-01T00:00:00.000Z`, count })));
    }
    if (p === '/api/timeline/bucket') {
      const month = (url.searchParams.get('timeBucket') ?? '').slice(0, 7);
      return json(200, assets.filter((a) => a.fileCreatedAt.startsWith(month)).map(assetDto));
    }
    if (p === '/api/map/markers') {
      return json(200, assets.filter((a) => a.latitude !== undefined).map((a) => ({ id: a.id, lat: a.latitude, lon: a.longitude, city: a.city, state: null, country: a.country })));
    }
    if (p === '/api/search/metadata' && req.method === 'POST') {
      const q = await readJson(req);
      const items = assets.filter((a) =>
        (q.originalFileName === undefined || a.originalFileName.toLowerCase().includes(String(q.originalFileName).toLowerCase())) &&
        (q.type === undefined || a.type === q.type) &&
        (!Array.isArray(q.albumIds) || q.albumIds.every((id: string) => albums.find((x) => x.id === id)?.assetIds.includes(a.id))) &&
        (q.withExif === undefined || true)).map(assetDto);
      return json(200, { albums: { total: 0, count: 0, items: [], facets: [] }, assets: { total: items.length, count: items.length, items, facets: [], nextPage: null } });
    }
    return serveAsset(req, res, url, json);
  }

  /** GET/PUT /api/assets/:id and its media (for the session's user, or a shared link's visitor). */
  async function serveAsset(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    json: (status: number, body: unknown, extra?: http.OutgoingHttpHeaders) => void,
  ): Promise<void> {
    const p = url.pathname;
    const m = /^\/api\/assets\/([^/]+)(?:\/(thumbnail|original|video\/playback))?$/.exec(p);
    const asset = m ? assets.find((a) => a.id === m[1]) : undefined;
    if (m && !asset) return json(404, { message: 'Asset not found', statusCode: 404 });
    if (asset && !m![2] && req.method === 'PUT' && !url.searchParams.has('key')) {
      const body = await readJson(req);
      if (typeof body.latitude === 'number' && typeof body.longitude === 'number') Object.assign(asset, { latitude: body.latitude, longitude: body.longitude });
      return json(200, assetDto(asset));
    }
    if (asset && !m![2]) return json(200, assetDto(asset));
    if (asset && m![2] === 'thumbnail') return sendMedia(req, res, asset, url.searchParams.get('size') === 'preview' ? 'preview' : 'thumbnail');
    if (asset && m![2] === 'original') return sendMedia(req, res, asset, 'original');
    if (asset && m![2] === 'video/playback') return sendMedia(req, res, asset, 'video');
    return json(404, { message: `Cannot ${req.method} ${p}`, statusCode: 404 });
  }

  function albumDto(a: LabTarget['albums'][number]) {
    return { id: a.id, albumName: a.albumName, assetCount: a.assetIds.length, assets: assets.filter((x) => a.assetIds.includes(x.id)).map(assetDto) };
  }

  /** POST /api/assets (multipart, as Immich): stores the file, dedupes by checksum per user. */
  async function upload(req: http.IncomingMessage, json: (status: number, body: unknown) => void): Promise<void> {
    const form = await new Request('http://lab/api/assets', {
      method: 'POST',
      headers: { 'content-type': String(req.headers['content-type'] ?? '') },
      body: Readable.toWeb(req) as ReadableStream,
      duplex: 'half',
    } as RequestInit).formData();
    const file = form.get('assetData');
    const missing = ['deviceAssetId', 'deviceId', 'fileCreatedAt', 'fileModifiedAt'].filter((f) => typeof form.get(f) !== 'string');
    if (!(file instanceof File) || missing.length) return json(400, { message: [`${file instanceof File ? missing.join(', ') : 'assetData'} must be given`], statusCode: 400 });
    const bytes = Buffer.from(await file.arrayBuffer());
    const checksum = createHash('sha1').update(bytes).digest('hex');
    const duplicate = assets.find((a) => a.checksum === checksum || (!a.files && sampleByChecksum.get(checksum)?.id === a.id));
    if (duplicate) return json(200, { id: duplicate.id, status: 'duplicate' });
    const id = randomUUID();
    const original = path.join(uploadDir, `${id}${path.extname(file.name) || '.bin'}`);
    writeFileSync(original, bytes);
    const sample = sampleByChecksum.get(checksum);
    const isVideo = (file.type || '').startsWith('video/') || /\.(mp4|mov|webm)$/i.test(file.name);
    assets.push({
      id, type: isVideo ? 'VIDEO' : 'IMAGE', originalFileName: file.name, base: sample?.base ?? id,
      fileCreatedAt: new Date(String(form.get('fileCreatedAt'))).toISOString(), thumbhash: sample?.thumbhash ?? 'HBkSHYSIeHiPiHh8eJd4eTN0EEQG', checksum,
      deviceId: String(form.get('deviceId')), deviceAssetId: String(form.get('deviceAssetId')),
      files: {
        original, type: file.type || (isVideo ? 'video/mp4' : 'image/jpeg'),
        ...(sample ? { thumbnail: mediaFile(sample, 'thumbnail').file, preview: mediaFile(sample, 'preview').file } : {}),
      },
    });
    return json(201, { id, status: 'created' });
  }

  const io = new SocketServer(server, { path: '/api/socket.io', transports: ['websocket'], serveClient: false });
  io.use((socket, next) => (isAuthed(socket.request) ? next() : next(new Error('unauthorized'))));
  io.on('connection', (socket) => socket.emit('on_server_version', shape.lab.version));

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    shape,
    tiles,
    credentials: login,
    requests,
    issuedTokens,
    activeSessions: () => sessions.size,
    assets,
    albums,
    sharedLinks,
    apiKeys,
    close: async () => {
      io.close();
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await tiles.close();
      rmSync(uploadDir, { recursive: true, force: true });
    },
  };
}

/** Streams an asset file; honours single byte ranges with 206, as Immich does for video. */
function sendMedia(req: http.IncomingMessage, res: http.ServerResponse, asset: LabAsset, kind: 'thumbnail' | 'preview' | 'original' | 'video'): void {
  if (kind === 'video' && asset.type !== 'VIDEO') {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end('{"message":"Asset is not a video"}');
    return;
  }
  const { file, type } = mediaFile(asset, kind);
  const size = statSync(file).size;
  const headers: http.OutgoingHttpHeaders = {
    'content-type': type,
    'cache-control': 'private, max-age=86400, no-transform',
    'content-disposition': `inline; filename="${asset.base}${path.extname(file)}"`,
    'accept-ranges': 'bytes',
  };
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  if (range && (range[1] || range[2])) {
    let start = range[1] ? Number(range[1]) : size - Number(range[2]);
    let end = range[1] && range[2] ? Number(range[2]) : size - 1;
    start = Math.max(0, start);
    end = Math.min(end, size - 1);
    if (start > end) {
      res.writeHead(416, { 'content-range': `bytes */${size}` });
      res.end();
      return;
    }
    res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': end - start + 1 });
    createReadStream(file, { start, end }).pipe(res);
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': size });
  createReadStream(file).pipe(res);
}

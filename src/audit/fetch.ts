// Fetches the URLs an Immich audit looks at. Credentials (optional) only unlock the thumbnail and
// video URLs; the token is kept in memory and never reported.
import http from 'node:http';
import https from 'node:https';
import type { AuditedUrl, UrlRole } from './audit.js';

export interface FetchOptions {
  email?: string;
  password?: string;
  timeoutMs?: number;
  insecure?: boolean;
  /** Connections to the target (extra CA, address override); see src/proxy/upstream.ts. */
  agent?: http.Agent;
  /** Another app than Immich (its title): only its HTML shell and favicon are audited. */
  otherApp?: string;
}

/** One GET with node:http(s), which keeps repeated headers apart (fetch() joins them). */
function getOne(target: string, path: string, role: UrlRole, headers: Record<string, string> = {}, timeoutMs = 15_000, insecure = false, agent?: http.Agent): Promise<AuditedUrl & { body?: string }> {
  const url = new URL(path, target);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(url, { headers, timeout: timeoutMs, ...(agent ? { agent } : url.protocol === 'https:' ? { rejectUnauthorized: !insecure } : {}) }, (res) => {
      const out: Record<string, string[]> = {};
      for (let i = 0; i < res.rawHeaders.length; i += 2) {
        const name = res.rawHeaders[i]!.toLowerCase();
        (out[name] ??= []).push(res.rawHeaders[i + 1]!);
      }
      const done = (body?: string) => resolve({ role, path: url.pathname, status: res.statusCode ?? 0, headers: out, ...(body !== undefined ? { body } : {}) });
      if (role !== 'html') {
        res.resume();
        done();
        return;
      }
      // The HTML shell is read (up to 2 MiB) to find an immutable chunk to audit.
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => { size += c.length; if (size <= 2 * 1024 * 1024) chunks.push(c); });
      res.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

export async function fetchAuditUrls(target: string, options: FetchOptions = {}): Promise<{ urls: AuditedUrl[]; skipped: { role: UrlRole; why: string }[] }> {
  const t = options.timeoutMs;
  const get = (path: string, role: UrlRole, headers: Record<string, string> = {}) => getOne(target, path, role, headers, t, options.insecure, options.agent);
  const urls: AuditedUrl[] = [];
  const skipped: { role: UrlRole; why: string }[] = [];
  let html = await get('/', 'html');
  if (html.status >= 300 && html.status < 400 && html.headers.location) {
    const next = new URL(html.headers.location[0]!, target);
    if (next.origin === new URL(target).origin) html = await get(next.pathname, 'html');
  }
  const { body: page = '', ...htmlUrl } = html;
  urls.push(htmlUrl);
  if (options.otherApp) {
    urls.push(await get('/favicon.ico', 'favicon'));
    const why = `an Immich URL; ${options.otherApp} has none headerproof knows (the HTML shell and favicon were audited)`;
    skipped.push(...(['immutable-js', 'api', 'thumbnail', 'video'] as const).map((role) => ({ role, why })));
    return { urls, skipped };
  }
  const asset = /\/_app\/immutable\/[^"'\s)]+\.js/.exec(page)?.[0];
  if (asset) urls.push(await get(asset, 'immutable-js'));
  else skipped.push({ role: 'immutable-js', why: 'no /_app/immutable/*.js reference in the HTML shell' });
  urls.push(await get('/api/server/ping', 'api'));
  urls.push(await get('/favicon.ico', 'favicon'));
  if (!options.email || !options.password) {
    skipped.push({ role: 'thumbnail', why: 'needs IMMICH_EMAIL and IMMICH_PASSWORD' }, { role: 'video', why: 'needs IMMICH_EMAIL and IMMICH_PASSWORD' });
    return { urls, skipped };
  }
  const login = await fetch(new URL('/api/auth/login', target), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: options.email, password: options.password }), signal: AbortSignal.timeout(t ?? 15_000),
  });
  if (login.status !== 201) {
    skipped.push({ role: 'thumbnail', why: `login failed (${login.status})` }, { role: 'video', why: `login failed (${login.status})` });
    return { urls, skipped };
  }
  const auth = { authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };
  for (const [role, type] of [['thumbnail', 'IMAGE'], ['video', 'VIDEO']] as const) {
    const found = await fetch(new URL('/api/search/metadata', target), { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ type, size: 1 }), signal: AbortSignal.timeout(t ?? 15_000) });
    const id = found.ok ? ((await found.json()) as { assets: { items: { id: string }[] } }).assets.items[0]?.id : undefined;
    if (!id) {
      skipped.push({ role, why: `no ${type.toLowerCase()} in the library` });
      continue;
    }
    urls.push(role === 'thumbnail'
      ? await get(`/api/assets/${id}/thumbnail?size=thumbnail`, role, auth)
      : await get(`/api/assets/${id}/video/playback`, role, { ...auth, range: 'bytes=0-1023' }));
  }
  return { urls, skipped };
}

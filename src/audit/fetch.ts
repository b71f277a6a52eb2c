// Fetches the URLs an audit looks at: the HTML shell and the favicon of any app, and whatever more
// the app's profile names (AppProfile.auditUrls: an immutable script, its API, an image, a video).
// Credentials (optional) are the profile's to use; a token is kept in memory and never reported.
import http from 'node:http';
import https from 'node:https';
import type { AuditedUrl, UrlRole } from './audit.js';

/** What an app's profile gets to find more URLs to audit, on the target's origin only. */
export interface AuditContext {
  target: string;
  /** The HTML shell's text (up to 2 MiB). */
  html: string;
  /** One GET on the target, its headers kept apart. */
  get(path: string, role: UrlRole, headers?: Record<string, string>): Promise<AuditedUrl>;
  timeoutMs: number;
  /** The test user, when the run has one (the profile logs in with it, if it needs to). */
  credentials?: { user?: string; password?: string };
}

/** An app's own URLs to audit (its profile's), with the roles it could not reach and why. */
export type AuditUrls = (ctx: AuditContext) => Promise<{ urls: AuditedUrl[]; skipped: { role: UrlRole; why: string }[] }>;

export interface FetchOptions {
  timeoutMs?: number;
  insecure?: boolean;
  /** Connections to the target (extra CA, address override); see src/proxy/upstream.ts. */
  agent?: http.Agent;
  /** The app behind the target (its profile): its title, and the URLs it adds. */
  app?: { title: string; auditUrls?: AuditUrls };
  credentials?: { user?: string; password?: string };
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
  const t = options.timeoutMs ?? 15_000;
  const get = (path: string, role: UrlRole, headers: Record<string, string> = {}) => getOne(target, path, role, headers, t, options.insecure, options.agent);
  let html = await get('/', 'html');
  if (html.status >= 300 && html.status < 400 && html.headers.location) {
    const next = new URL(html.headers.location[0]!, target);
    if (next.origin === new URL(target).origin) html = await get(next.pathname, 'html');
  }
  const { body: page = '', ...htmlUrl } = html;
  const urls: AuditedUrl[] = [htmlUrl];
  const skipped: { role: UrlRole; why: string }[] = [];
  if (options.app?.auditUrls) {
    const own = await options.app.auditUrls({ target, html: page, get: async (p, role, headers) => { const { body: _b, ...u } = await get(p, role, headers); return u; }, timeoutMs: t, ...(options.credentials ? { credentials: options.credentials } : {}) });
    urls.push(...own.urls);
    skipped.push(...own.skipped);
  } else {
    const why = `${options.app?.title ?? 'the app'}'s profile names no such URL (the HTML shell and favicon were audited)`;
    skipped.push(...(['immutable-js', 'api', 'thumbnail', 'video'] as const).map((role) => ({ role, why })));
  }
  urls.push(await get('/favicon.ico', 'favicon'));
  return { urls, skipped };
}

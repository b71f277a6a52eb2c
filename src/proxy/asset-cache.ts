// The proxy's cache of the app's immutable static assets (files with a content hash in their name,
// or served with `Cache-Control: immutable`), shared by every browser context of a run: each fresh
// context would otherwise fetch the whole app again from the host. It keeps the target's response
// exactly as it came (status, headers before any policy edit, body); a hit goes through the same
// header edits as a fetched response, so the browser sees the same headers either way. Entries live
// in memory and in a folder the run's workers share (written whole, then renamed into place).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import path from 'node:path';

/** A body larger than this is never cached. */
const MAX_BODY = 32 * 1024 * 1024;
/** Memory the entries of one proxy may take. */
const MAX_MEMORY = 256 * 1024 * 1024;

/**
 * Whether a file name carries a content hash: a dot- or dash-separated part after the first, of 8
 * or more letters, digits, _ or -, with a digit or both cases (Vite's `index.DUVNizGD.js`, webpack's
 * `main.3f2a1b9c.js`, `chunk-5rx3q4l_.woff2`) — not a word such as `accounts` or `polyfill`.
 */
export function hashedName(urlPath: string): boolean {
  const base = (urlPath.split('/').pop() ?? '').replace(/\.[^.]+$/, '');
  const hashLike = (s: string) => /^[A-Za-z0-9_-]{8,64}$/.test(s) && (/\d/.test(s) || (/[a-z]/.test(s) && /[A-Z]/.test(s)));
  const [first = '', ...rest] = base.split('.');
  return rest.some(hashLike) || hashLike(/-([A-Za-z0-9_]{8})$/.exec(first)?.[1] ?? '');
}

/** Whether a response may be kept and served again to another browser context of the run. */
export function cacheable(method: string, urlPath: string, status: number, headers: IncomingHttpHeaders): boolean {
  if (method !== 'GET' || status !== 200) return false;
  if (headers['set-cookie'] !== undefined) return false;
  const cc = String(headers['cache-control'] ?? '').toLowerCase();
  if (/\b(no-store|private|no-cache)\b/.test(cc)) return false;
  const vary = String(headers.vary ?? '').toLowerCase().split(',').map((v) => v.trim()).filter(Boolean);
  if (vary.some((v) => v !== 'accept-encoding')) return false;
  if (/^text\/html\b/i.test(String(headers['content-type'] ?? ''))) return false;
  const length = Number(headers['content-length'] ?? 0);
  if (length > MAX_BODY) return false;
  return /\bimmutable\b/.test(cc) || hashedName(urlPath);
}

export interface CachedResponse { status: number; headers: IncomingHttpHeaders; body: Buffer }

/** Whether a request may be answered from the cache (a whole GET; a Range request goes to the target). */
export function cacheLookupAllowed(req: IncomingMessage): boolean {
  return req.method === 'GET' && req.headers.range === undefined && req.headers.upgrade === undefined;
}

export class AssetCache {
  private memory = new Map<string, CachedResponse>();
  private bytes = 0;

  constructor(private readonly dir?: string) {
    if (dir) mkdirSync(dir, { recursive: true });
  }

  /** The key: the URL with its query, and the encodings the client accepts (the body may be compressed). */
  static key(req: IncomingMessage): string {
    return createHash('sha256').update(`${req.url}\u0000${req.headers['accept-encoding'] ?? ''}`).digest('hex');
  }

  get(key: string): CachedResponse | undefined {
    const hit = this.memory.get(key);
    if (hit || !this.dir) return hit;
    try {
      const meta = JSON.parse(readFileSync(path.join(this.dir, `${key}.json`), 'utf8')) as { status: number; headers: IncomingHttpHeaders };
      const entry = { ...meta, body: readFileSync(path.join(this.dir, `${key}.body`)) };
      this.remember(key, entry);
      return entry;
    } catch {
      return undefined;
    }
  }

  put(key: string, entry: CachedResponse): void {
    if (entry.body.length > MAX_BODY) return;
    this.remember(key, entry);
    if (!this.dir) return;
    try {
      const tmp = `.${key}.${process.pid}.${Date.now()}`;
      writeFileSync(path.join(this.dir, `${tmp}.body`), entry.body);
      renameSync(path.join(this.dir, `${tmp}.body`), path.join(this.dir, `${key}.body`));
      writeFileSync(path.join(this.dir, `${tmp}.json`), JSON.stringify({ status: entry.status, headers: entry.headers }));
      renameSync(path.join(this.dir, `${tmp}.json`), path.join(this.dir, `${key}.json`));
    } catch {
      /* a cache that cannot be written is only slower */
    }
  }

  private remember(key: string, entry: CachedResponse): void {
    if (this.bytes + entry.body.length > MAX_MEMORY) return;
    if (!this.memory.has(key)) this.bytes += entry.body.length;
    this.memory.set(key, entry);
  }
}

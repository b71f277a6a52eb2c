// Records the inline <script> and <style> blocks of the HTML the proxy serves, hashed the way CSP
// hashes them (sha256 of the exact text, base64). Tune builds 'sha256-…' sources from these, not
// from the 40-character samples in violation reports. The body is copied, never held back.
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import type { IncomingMessage } from 'node:http';
import { redact } from '../observe/violation.js';

export interface InlineBlock {
  /** A <script> or <style> element's text, or an inline event handler attribute's (onclick="…"). */
  kind: 'script' | 'style' | 'handler';
  /** 'sha256-…' as it appears in a CSP (quotes included). */
  hash: string;
  /** Path of the document that carried it. */
  path: string;
  /** The first characters, for people reading a policy. */
  sample: string;
  /** Matches the app's mark of per-build code (its profile's, e.g. a SvelteKit bootstrap): its hash changes with every app release. */
  buildSpecific: boolean;
  /**
   * Not in any HTML the proxy served: inserted by the app's code at run time (e.g. a web component's
   * <style> in its shadow root), captured with its exact text in the browser that blocked it.
   */
  runtime?: boolean;
  /** Inserted into a shadow root. */
  inShadowRoot?: boolean;
  /** Where the browser says it came from (the inserting script), for runtime blocks. */
  source?: string;
  /** For an event handler: the element and attribute that carry it, e.g. `<button> onclick`. */
  attribute?: string;
  /**
   * A script file the app fetched: the text an app may evaluate as an inline script (jQuery's
   * getScript, same origin, runs the fetched text in an inline <script>). Allowed by its hash only
   * when a blocked inline script's sample is its start.
   */
  fetched?: boolean;
}

export const MAX_HTML_BYTES = 2 * 1024 * 1024;
/** Script files longer than this are not hashed as possible inline text. */
export const MAX_SCRIPT_BYTES = 16 * 1024 * 1024;

export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** A block whose text the browser gave (src/observe/signals.ts); `runtime` is decided by mergeBlocks. */
export function capturedBlock(kind: 'script' | 'style', text: string, documentUrl: string, source: string, buildSpecific?: RegExp): InlineBlock {
  let path = documentUrl;
  let from = source.replace(/\?[^:\s]*/, '');
  try {
    const page = new URL(documentUrl);
    path = page.pathname;
    // The app's own scripts by path: the origin is the local proxy's, with a port of the run.
    if (from.startsWith(`${page.origin}/`)) from = from.slice(page.origin.length);
  } catch { /* keep as is */ }
  return { kind, hash: cspHash(text), path: redact(path), sample: redact(text.trim().slice(0, 60)), buildSpecific: Boolean(buildSpecific?.test(text)), ...(from ? { source: redact(from) } : {}) };
}

/**
 * A blocked inline event handler as the browser gave it (src/observe/signals.ts): hashed as CSP
 * hashes it for script-src-attr 'unsafe-hashes', the attribute's value exactly.
 */
export function capturedHandler(name: string, text: string, tag: string, documentUrl: string, source: string): InlineBlock {
  const block = capturedBlock('script', text, documentUrl, source);
  return { ...block, kind: 'handler', attribute: `${tag ? `<${tag}> ` : ''}${name}` };
}

/**
 * The served blocks (the proxy's) and the ones captured in the browser, one entry per hash and
 * page: a captured block whose hash no served HTML carried was inserted at run time.
 */
export function mergeBlocks(served: InlineBlock[], captured: InlineBlock[]): InlineBlock[] {
  const servedHashes = new Set(served.map((b) => b.hash));
  const out = new Map(served.map((b) => [`${b.hash}\u0000${b.path}`, b]));
  for (const b of captured) {
    if (b.kind === 'handler') {
      // An event handler is an attribute, served or set by code alike: never "inserted at run time".
      out.set(`handler\u0000${b.hash}\u0000${b.path}`, b);
      continue;
    }
    if (servedHashes.has(b.hash)) continue;
    out.set(`${b.hash}\u0000${b.path}`, { ...b, runtime: true });
  }
  return [...out.values()];
}

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Whether a violation's sample (the browser's first 40 characters; Firefox ends a cut one with "…")
 *  is the start of this inline block; a violation without a sample (sources with 'none' get no
 *  'report-sample') matches any block. */
export function sampleMatches(block: Pick<InlineBlock, 'sample'>, violationSample: string): boolean {
  const reported = squash(violationSample.replace(/\u2026\s*$/, ''));
  return !reported || squash(block.sample).startsWith(reported);
}

const EXECUTABLE_TYPES = /^(|text\/javascript|application\/javascript|module)$/i;

/** Inline scripts that execute (no src, JavaScript or module type) and inline style blocks. */
export function extractInlineBlocks(html: string, path: string, buildSpecific?: RegExp): InlineBlock[] {
  const out: InlineBlock[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const attrs = m[1] ?? '';
    if (/\bsrc\s*=/i.test(attrs)) continue;
    const type = /\btype\s*=\s*["']?([^"'\s>]+)/i.exec(attrs)?.[1] ?? '';
    if (!EXECUTABLE_TYPES.test(type)) continue;
    out.push({ kind: 'script', hash: cspHash(m[2]!), path, sample: m[2]!.trim().slice(0, 60), buildSpecific: Boolean(buildSpecific?.test(m[2]!)) });
  }
  for (const m of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi)) {
    out.push({ kind: 'style', hash: cspHash(m[1]!), path, sample: m[1]!.trim().slice(0, 60), buildSpecific: false });
  }
  out.push(...extractHandlers(html, path));
  return out;
}

const TAG = /<([a-zA-Z][\w-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/g;
const HANDLER_ATTR = /(?:^|\s)(on[a-z]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/gi;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** An attribute value as the browser reads it (character references decoded; the common named ones). */
export function decodeAttribute(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return ENTITIES[ref.toLowerCase()] ?? all;
  });
}

/**
 * Inline event handlers (onclick="…") in served HTML, templates included (an app may keep its
 * markup in <script type="text/html"> and parse it later, when the browser checks each handler on
 * an element not in the document and cannot say which): each hashed as script-src-attr
 * 'unsafe-hashes' hashes it, the attribute's decoded value.
 */
export function extractHandlers(html: string, path: string): InlineBlock[] {
  const out = new Map<string, InlineBlock>();
  for (const tag of html.matchAll(TAG)) {
    for (const a of (tag[2] ?? '').matchAll(HANDLER_ATTR)) {
      const text = decodeAttribute(a[2] ?? a[3] ?? a[4] ?? '');
      if (!text.trim()) continue;
      const block: InlineBlock = { kind: 'handler', hash: cspHash(text), path, sample: text.trim().slice(0, 60), buildSpecific: false, attribute: `<${tag[1]!.toLowerCase()}> ${a[1]!.toLowerCase()}` };
      if (!out.has(block.hash)) out.set(block.hash, block);
    }
  }
  return [...out.values()];
}

export class InlineBlockRecorder {
  private blocks = new Map<string, InlineBlock>();

  /** `buildSpecific`: the app's mark of an inline script that changes with every build (its profile's). */
  constructor(private readonly buildSpecific?: RegExp) {}

  /** What was seen so far, kept for the journey's report. */
  peek(): InlineBlock[] {
    return [...this.blocks.values()];
  }

  drain(): InlineBlock[] {
    const out = [...this.blocks.values()];
    this.blocks.clear();
    return out;
  }

  /**
   * Hashes a script file's body as it streams past (decompressing the copy if needed), for the app
   * that fetches a file and runs its text as an inline script. Nothing is held but the hash.
   */
  watchScript(res: NodeJS.ReadableStream & { headers: IncomingMessage['headers'] }, path: string): void {
    const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
    const decoder = encoding === 'gzip' ? zlib.createGunzip() : encoding === 'br' ? zlib.createBrotliDecompress() : encoding === 'deflate' ? zlib.createInflate() : undefined;
    if (encoding && !decoder && encoding !== 'identity') return;
    const hash = createHash('sha256');
    let head = '';
    let size = 0;
    const take = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_SCRIPT_BYTES) return;
      hash.update(chunk);
      if (head.length < 120) head += chunk.subarray(0, 240).toString('utf8');
    };
    const done = () => {
      if (size > MAX_SCRIPT_BYTES || !size) return;
      const block: InlineBlock = { kind: 'script', hash: `'sha256-${hash.digest('base64')}'`, path, sample: head.trim().slice(0, 60), buildSpecific: false, fetched: true };
      this.blocks.set(`${block.hash}\u0000${path}`, block);
    };
    if (decoder) {
      decoder.on('data', take);
      decoder.on('end', done);
      decoder.on('error', () => { size = MAX_SCRIPT_BYTES + 1; });
      res.on('data', (c: Buffer) => decoder.write(c));
      res.on('end', () => decoder.end());
    } else {
      res.on('data', take);
      res.on('end', done);
    }
  }

  /** Copies an HTML response body as it streams past (decompressing the copy if needed). */
  watch(res: IncomingMessage, path: string): void {
    const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_HTML_BYTES) chunks.push(chunk);
    });
    res.on('end', () => {
      if (size > MAX_HTML_BYTES) return;
      let body = Buffer.concat(chunks);
      try {
        if (encoding === 'gzip') body = zlib.gunzipSync(body);
        else if (encoding === 'br') body = zlib.brotliDecompressSync(body);
        else if (encoding === 'deflate') body = zlib.inflateSync(body);
      } catch {
        return; // a body we cannot read is simply not recorded
      }
      for (const block of extractInlineBlocks(body.toString('utf8'), path, this.buildSpecific)) this.blocks.set(`${block.hash}\u0000${path}`, block);
    });
  }
}

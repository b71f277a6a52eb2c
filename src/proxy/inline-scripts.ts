// Records the inline <script> and <style> blocks of the HTML the proxy serves, hashed the way CSP
// hashes them (sha256 of the exact text, base64). Tune builds 'sha256-…' sources from these, not
// from the 40-character samples in violation reports. The body is copied, never held back.
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import type { IncomingMessage } from 'node:http';

export interface InlineBlock {
  kind: 'script' | 'style';
  /** 'sha256-…' as it appears in a CSP (quotes included). */
  hash: string;
  /** Path of the document that carried it. */
  path: string;
  /** The first characters, for people reading a policy. */
  sample: string;
  /** Looks generated per build (SvelteKit bootstrap): its hash changes with every app release. */
  buildSpecific: boolean;
}

const BUILD_SPECIFIC = /__sveltekit_|\/_app\/immutable\//;

export const MAX_HTML_BYTES = 2 * 1024 * 1024;

export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

const EXECUTABLE_TYPES = /^(|text\/javascript|application\/javascript|module)$/i;

/** Inline scripts that execute (no src, JavaScript or module type) and inline style blocks. */
export function extractInlineBlocks(html: string, path: string): InlineBlock[] {
  const out: InlineBlock[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const attrs = m[1] ?? '';
    if (/\bsrc\s*=/i.test(attrs)) continue;
    const type = /\btype\s*=\s*["']?([^"'\s>]+)/i.exec(attrs)?.[1] ?? '';
    if (!EXECUTABLE_TYPES.test(type)) continue;
    out.push({ kind: 'script', hash: cspHash(m[2]!), path, sample: m[2]!.trim().slice(0, 60), buildSpecific: BUILD_SPECIFIC.test(m[2]!) });
  }
  for (const m of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi)) {
    out.push({ kind: 'style', hash: cspHash(m[1]!), path, sample: m[1]!.trim().slice(0, 60), buildSpecific: false });
  }
  return out;
}

export class InlineBlockRecorder {
  private blocks = new Map<string, InlineBlock>();

  /** What was seen so far, kept for the journey's report. */
  peek(): InlineBlock[] {
    return [...this.blocks.values()];
  }

  drain(): InlineBlock[] {
    const out = [...this.blocks.values()];
    this.blocks.clear();
    return out;
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
      for (const block of extractInlineBlocks(body.toString('utf8'), path)) this.blocks.set(`${block.hash}\u0000${path}`, block);
    });
  }
}

// A typed Content-Security-Policy model: directives as ordered source lists, so a policy can be
// validated, merged, diffed and printed instead of being handled as one opaque string.

export type CspDirectives = Record<string, string[]>;

/** Directives Chromium understands (CSP3 + Chromium extensions). Anything else is a typo. */
export const KNOWN_DIRECTIVES = new Set([
  'default-src', 'script-src', 'script-src-elem', 'script-src-attr', 'style-src', 'style-src-elem',
  'style-src-attr', 'img-src', 'font-src', 'connect-src', 'media-src', 'object-src', 'frame-src',
  'child-src', 'worker-src', 'manifest-src', 'prefetch-src', 'fenced-frame-src', 'base-uri',
  'form-action', 'frame-ancestors', 'sandbox', 'upgrade-insecure-requests',
  'block-all-mixed-content', 'report-uri', 'report-to', 'require-trusted-types-for',
  'trusted-types', 'webrtc',
]);

/** Directives whose values are not source lists. */
const NON_SOURCE_DIRECTIVES = new Set([
  'sandbox', 'upgrade-insecure-requests', 'block-all-mixed-content', 'report-uri', 'report-to',
  'require-trusted-types-for', 'trusted-types', 'webrtc',
]);

/** Directives that take no value at all. */
export const VALUELESS_DIRECTIVES = new Set(['upgrade-insecure-requests', 'block-all-mixed-content']);

const KEYWORDS = new Set([
  "'self'", "'none'", "'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'", "'strict-dynamic'",
  "'unsafe-hashes'", "'report-sample'", "'inline-speculation-rules'", "'unsafe-allow-redirects'",
]);

const HASH_OR_NONCE = /^'(sha256|sha384|sha512)-[A-Za-z0-9+/_-]+={0,2}'$|^'nonce-[A-Za-z0-9+/_-]+={0,2}'$/;
/** A 'sha256-…' / 'sha384-…' / 'sha512-…' hash or a 'nonce-…' source. */
export function isHashOrNonce(source: string): boolean {
  return HASH_OR_NONCE.test(source);
}
const SCHEME_SOURCE = /^[a-zA-Z][a-zA-Z0-9+.-]*:$/;
// scheme://host:port/path, where host may start with "*." and port may be "*".
const HOST_SOURCE =
  /^(?:[a-zA-Z][a-zA-Z0-9+.-]*:\/\/)?(?:\*|(?:\*\.)?[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*|\[[0-9a-fA-F:]+\])(?::(?:\d{1,5}|\*))?(?:\/[^\s;,]*)?$/;

/** Returns why a source expression is invalid for a directive, or null when it is valid. */
export function checkSource(directive: string, source: string): string | null {
  if (/[\s;,]/.test(source)) return 'a source must be one token: no spaces, ";" or ","';
  if (NON_SOURCE_DIRECTIVES.has(directive)) {
    if (directive === 'sandbox' && !/^allow-[a-z-]+$/.test(source))
      return 'sandbox takes flags such as allow-scripts, allow-same-origin';
    return null;
  }
  if (source.startsWith("'")) {
    if (KEYWORDS.has(source) || HASH_OR_NONCE.test(source)) return null;
    return `"${source}" is not a CSP keyword, hash or nonce (keywords: ${[...KEYWORDS].join(' ')})`;
  }
  const bare = `'${source}'`;
  if (KEYWORDS.has(bare)) return `keywords must be quoted: write "${bare}" (in YAML: "${bare}")`;
  if (/^(sha256|sha384|sha512|nonce)-/.test(source)) return `hashes and nonces must be quoted: write "'${source}'"`;
  if (SCHEME_SOURCE.test(source) || HOST_SOURCE.test(source)) return null;
  return `"${source}" is not a valid source (expected a quoted keyword, 'sha256-…', a scheme such as https: or data:, or a host such as https://tiles.example.org)`;
}

/** Serializes directives in their given order: `a x y; b z`. */
export function serializeCsp(directives: CspDirectives): string {
  return Object.entries(directives)
    .map(([name, sources]) => (sources.length ? `${name} ${sources.join(' ')}` : name))
    .join('; ');
}

/** Parses a CSP header value (first occurrence of a directive wins, as in browsers). */
/** Sources that allow everything a fetch directive can allow (blame's and subset's stand-in for "not restricted"). */
export const ALLOW_ALL_SOURCES = ['*', 'data:', 'blob:', "'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'"];

export function parseCsp(value: string): CspDirectives {
  const out: CspDirectives = {};
  for (const part of value.split(';')) {
    const tokens = part.trim().split(/\s+/).filter(Boolean);
    if (!tokens.length) continue;
    const name = tokens[0]!.toLowerCase();
    if (!(name in out)) out[name] = tokens.slice(1);
  }
  return out;
}

/** Union of two policies' source lists, per directive, keeping order and dropping 'none' when widened. */
export function mergeCsp(a: CspDirectives, b: CspDirectives): CspDirectives {
  const out: CspDirectives = {};
  for (const [name, sources] of [...Object.entries(a), ...Object.entries(b)]) {
    const merged = [...new Set([...(out[name] ?? []), ...sources])];
    out[name] = merged.length > 1 ? merged.filter((s) => s !== "'none'") : merged;
  }
  return out;
}

export interface CspDiff {
  added: Record<string, string[]>;
  removed: Record<string, string[]>;
}

/** Which sources each directive gained or lost going from `before` to `after`. */
export function diffCsp(before: CspDirectives, after: CspDirectives): CspDiff {
  const added: Record<string, string[]> = {};
  const removed: Record<string, string[]> = {};
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const b = before[name] ?? [];
    const a = after[name] ?? [];
    const plus = a.filter((s) => !b.includes(s));
    const minus = b.filter((s) => !a.includes(s));
    if (plus.length || (!(name in before) && name in after)) added[name] = plus;
    if (minus.length || (name in before && !(name in after))) removed[name] = minus;
  }
  return { added, removed };
}

/** The directive a fetch falls back to when `directive` is absent (CSP3 fallback lists). */
export function effectiveSources(directives: CspDirectives, directive: string): string[] | undefined {
  const fallbacks: Record<string, string[]> = {
    'script-src-elem': ['script-src', 'default-src'],
    'script-src-attr': ['script-src', 'default-src'],
    'style-src-elem': ['style-src', 'default-src'],
    'style-src-attr': ['style-src', 'default-src'],
    'worker-src': ['child-src', 'script-src', 'default-src'],
    'frame-src': ['child-src', 'default-src'],
  };
  for (const name of [directive, ...(fallbacks[directive] ?? ['default-src'])]) {
    if (directives[name]) return directives[name];
  }
  return undefined;
}

// One Violation type for every browser signal, and the de-duplication that turns a stream of them
// into groups with counts. The same violation usually arrives on several channels (DOM event,
// report, console, network): groups keep the highest per-channel count instead of adding them up.

export type ViolationKind =
  | 'csp'
  | 'permissions-policy'
  | 'integrity-policy'
  | 'corp'
  | 'mixed-content'
  | 'page-error'
  | 'request-failed'
  | 'console-error';

export type Channel = 'event' | 'report' | 'observer' | 'console' | 'network' | 'pageerror';
export type Disposition = 'enforce' | 'report';

export interface Violation {
  kind: ViolationKind;
  /** CSP effective directive, Permissions-Policy feature, or network error code. */
  directive: string;
  /** Blocked URL, or 'inline' / 'eval' / 'wasm-eval' / 'data' / 'blob' / '' (features). */
  blockedUrl: string;
  /** file:line:column where known. */
  source: string;
  /** Script sample or message text (untrusted: escape before display). */
  sample: string;
  disposition: Disposition;
  journey: string;
  pageUrl: string;
  channel: Channel;
  /** In a stacked pass (src/proxy/stack.ts): the report-only member whose header reported it. */
  stackSlot?: number;
}

export interface ViolationGroup extends Omit<Violation, 'channel'> {
  count: number;
  channels: Channel[];
}

/** Kinds that a header policy can cause and that count toward a verdict. */
export const POLICY_KINDS: ReadonlySet<ViolationKind> = new Set(['csp', 'permissions-policy', 'integrity-policy', 'corp', 'mixed-content']);

/** Canonical form of a blocked target so the same block matches across channels. */
export function normalizeBlocked(blocked: string, pageUrl = ''): string {
  const b = blocked.trim();
  if (!b) return '';
  if (/^(inline|eval|wasm-eval|trusted-types-policy|trusted-types-sink)$/.test(b)) return b;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(b)?.[1]?.toLowerCase();
  if (scheme && !['http', 'https', 'ws', 'wss'].includes(scheme)) return scheme; // data:, blob:, …
  if (!scheme) return b.toLowerCase(); // Chromium's bare "data" / "blob"
  try {
    const url = new URL(b);
    let page: URL | undefined;
    try {
      page = new URL(pageUrl);
    } catch {
      page = undefined;
    }
    // Cross-origin blocked URLs are cut to their origin by the browser: do the same everywhere.
    if (!page || page.origin !== url.origin) return url.origin;
    return url.origin + url.pathname;
  } catch {
    return b;
  }
}

/**
 * A Trusted Types report's sample as browsers write it: "<sink>|<start of the value>" for a sink
 * given a plain string ("Worker constructor|blob:…"), the policy's name for a policy created.
 */
export function trustedTypesSample(sample: string): { sink: string; value: string } {
  const [sink, ...rest] = sample.split('|');
  return { sink: (sink ?? '').trim(), value: rest.join('|').trim() };
}

/** Inline code and eval have no URL: their location tells two blocked scripts apart. */
// Blocked targets that say what, not where: a group per place in the code (an inline script, an
// eval, a Trusted Types sink — each sink call is its own finding, with its own fix).
const LOCATED = new Set(['inline', 'eval', 'wasm-eval', 'trusted-types-sink']);

export function groupKey(v: Pick<Violation, 'kind' | 'directive' | 'blockedUrl' | 'disposition' | 'source' | 'stackSlot'>): string {
  return [v.kind, v.directive, v.blockedUrl, v.disposition, LOCATED.has(v.blockedUrl) ? v.source : '', v.stackSlot ?? ''].join('\u0000');
}

/** Groups violations by (journey, kind, directive, blocked target, disposition). */
export function dedupe(violations: Violation[]): ViolationGroup[] {
  const groups = new Map<string, { first: Violation; perChannel: Map<Channel, number> }>();
  for (const v of fallbacksDropped(violations)) {
    const key = v.journey + '\u0000' + groupKey(v);
    const g = groups.get(key);
    if (!g) groups.set(key, { first: v, perChannel: new Map([[v.channel, 1]]) });
    else {
      g.perChannel.set(v.channel, (g.perChannel.get(v.channel) ?? 0) + 1);
      if (!g.first.source && v.source) g.first = { ...g.first, source: v.source };
      if (!g.first.sample && v.sample) g.first = { ...g.first, sample: v.sample };
    }
  }
  return [...groups.values()]
    .map(({ first, perChannel }) => {
      const { channel: _c, ...rest } = first;
      return { ...rest, count: Math.max(...perChannel.values()), channels: [...perChannel.keys()].sort() };
    })
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.directive.localeCompare(b.directive) || a.blockedUrl.localeCompare(b.blockedUrl));
}

/**
 * Console text and failed requests are fallbacks: they name the same blocks as the DOM event or the
 * report, with less detail (and a different directive spelling). Keep them only for blocks no
 * structured channel saw, e.g. inside a service worker.
 */
function fallbacksDropped(violations: Violation[]): Violation[] {
  const structured = new Set(
    violations
      .filter((v) => v.channel === 'event' || v.channel === 'report' || v.channel === 'observer')
      .map((v) => [v.journey, v.kind, v.blockedUrl, v.disposition].join('\u0000')),
  );
  const structuredFeatures = new Set(
    violations.filter((v) => v.kind === 'permissions-policy' && (v.channel === 'report' || v.channel === 'observer')).map((v) => v.journey + v.directive),
  );
  return violations.filter((v) => {
    if (v.channel !== 'console' && v.channel !== 'network') return true;
    if (v.kind === 'permissions-policy') return !structuredFeatures.has(v.journey + v.directive);
    return !structured.has([v.journey, v.kind, v.blockedUrl, v.disposition].join('\u0000'));
  });
}

// Share keys, tokens and passwords can ride in URLs and console text; reports must never carry
// them. Query strings are dropped from page and source URLs; secret-looking values are masked
// everywhere else.
// App-prefixed names count too (<app>_access_token, <app>_auth_type, x-<app>-token).
const SECRET_PARAMS = /([?&;]\s*(?:key|token|access_token|accesstoken|apikey|api_key|password|sessionkey|code|secret|\w+_access_token|\w+_token)=)[^&#\s'":]*/gi;
// Photo and file servers put a shared link's key in the path: /share/<key>, /share/<key>/photos/<id>.
const SHARE_PATH_KEY = /(\/share\/)[A-Za-z0-9_-]{6,}/g;
const SECRET_PAIRS = /\b((?:\w+_access_token|\w+_auth_type|authorization|x-api-key|x-[\w-]*token|cookie)\s*[:=]\s*)(?:Bearer\s+)?[^;,\s'"]+/gi;

// Credentials and session tokens known to this process, masked wherever they show up verbatim.
const knownSecrets = new Set<string>();

/** Masks these values (a password, an API key, a session token) in everything redact() sees. */
export function registerSecrets(values: (string | undefined)[]): void {
  for (const v of values) if (v && v.length >= 4) knownSecrets.add(v);
}

function maskKnownSecrets(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join('[redacted]');
  }
  return out;
}

export function redact(text: string): string {
  return maskKnownSecrets(text).replace(SECRET_PARAMS, '$1[redacted]').replace(SHARE_PATH_KEY, '$1[redacted]').replace(SECRET_PAIRS, '$1[redacted]').replace(/\bBearer\s+[A-Za-z0-9._~+/=-]+/g, 'Bearer [redacted]');
}

function withoutQuery(url: string): string {
  return url.replace(/\?[^:\s]*(?=(:\d+)*$)/, '');
}

export function redactViolation(v: Violation): Violation {
  return { ...v, pageUrl: withoutQuery(redact(v.pageUrl)), source: withoutQuery(redact(v.source)), blockedUrl: redact(v.blockedUrl), sample: redact(v.sample) };
}

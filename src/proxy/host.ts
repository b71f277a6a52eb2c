// Polite to the host: what a run costs the target, and how the proxy behaves when the target pushes
// back. Every request the proxy forwards is counted per second (a journey's slice travels in its
// attachment; the summary sums them into a run's total and its peak per minute). A 429, or a 503
// that says when to come back, is recorded (path, status, the limit the host announced) and pauses
// new requests until the host's reset (bounded). When the host announces its limit (RateLimit-Policy
// / RateLimit-Limit, e.g. express-rate-limit's "500;w=60"), the proxy keeps its own requests inside
// its share of it (the run's workers share one host), so the limit is not met at all.
import type { IncomingHttpHeaders } from 'node:http';

/** A response that told the client to slow down. */
export interface Throttle {
  /** The request's path (no query). */
  path: string;
  status: number;
  /** Seconds the host asked to wait (Retry-After, or RateLimit-Reset), when it said. */
  retryAfterS?: number;
  /** The limit the host announced, as it wrote it (e.g. "500;w=60"). */
  limit?: string;
  /** Epoch ms it was seen. */
  at: number;
}

/** The load one journey (or one stretch of a worker's life) put on the target. */
export interface HostLoadSlice {
  /** Requests forwarded to the target. */
  requests: number;
  /** Requests answered from the proxy's asset cache (never sent). */
  cached: number;
  /** [epoch second, requests forwarded in it]. */
  perSecond: [number, number][];
  throttled: Throttle[];
  /** Time requests were held back to stay inside the host's limit or wait out its reset. */
  waitedMs: number;
  /** The limit the host announced (RateLimit-Policy / RateLimit-Limit), as it wrote it. */
  limit?: string;
}

/** What a proxy hands the next one in its worker slot (see HostLoad.snapshot). */
export interface HostLoadState { recent: number[]; pausedUntil: number; limit?: { n: number; windowMs: number; text: string } }

/** The most a request is ever held back: a longer reset is not waited out by the proxy. */
export const MAX_WAIT_MS = 65_000;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return v === undefined ? undefined : Array.isArray(v) ? v.join(', ') : String(v);
}

/** Seconds from a Retry-After value (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * What the host announced about its rate limit, from the IETF draft's headers in their two forms:
 * separate `RateLimit-Limit` / `-Remaining` / `-Reset` (+ `RateLimit-Policy: 500;w=60`), or one
 * structured `RateLimit: limit=500, remaining=3, reset=20`. Undefined fields were not announced.
 */
export function rateLimitOf(headers: IncomingHttpHeaders): { limit?: number; windowS?: number; remaining?: number; resetS?: number; policy?: string } {
  const out: { limit?: number; windowS?: number; remaining?: number; resetS?: number; policy?: string } = {};
  const num = (s: string | undefined) => (s !== undefined && /^\s*\d+\s*$/.test(s) ? Number(s) : undefined);
  const policy = header(headers, 'ratelimit-policy');
  if (policy) {
    out.policy = policy;
    const m = /^\s*(\d+)\s*(?:;.*?\bw=(\d+))?/.exec(policy);
    if (m) {
      out.limit = Number(m[1]);
      if (m[2]) out.windowS = Number(m[2]);
    }
  }
  const limit = num(header(headers, 'ratelimit-limit'));
  if (limit !== undefined) out.limit = limit;
  const remaining = num(header(headers, 'ratelimit-remaining'));
  if (remaining !== undefined) out.remaining = remaining;
  const reset = num(header(headers, 'ratelimit-reset'));
  if (reset !== undefined) out.resetS = reset;
  const combined = header(headers, 'ratelimit');
  if (combined) {
    const field = (k: string) => num(new RegExp(`\\b${k}=(\\d+)`).exec(combined)?.[1]);
    out.limit ??= field('limit');
    out.remaining ??= field('remaining');
    out.resetS ??= field('reset');
  }
  if (out.limit !== undefined && out.policy === undefined) out.policy = `${out.limit}${out.windowS ? `;w=${out.windowS}` : ''}`;
  return out;
}

/** Whether a response is the host pushing back: 429 always, 503 when it says when to come back. */
export function throttleOf(status: number, headers: IncomingHttpHeaders, path: string, now = Date.now()): Throttle | undefined {
  const retry = retryAfterSeconds(header(headers, 'retry-after'), now);
  const rl = rateLimitOf(headers);
  if (status !== 429 && !(status === 503 && (retry !== undefined || rl.limit !== undefined))) return undefined;
  const wait = retry ?? rl.resetS;
  return { path, status, ...(wait !== undefined ? { retryAfterS: wait } : {}), ...(rl.policy ? { limit: rl.policy } : {}), at: now };
}

/** The highest number of requests in any 60-second window, from per-second counts. */
export function peakPerMinute(perSecond: [number, number][]): number {
  const counts = new Map<number, number>();
  for (const [s, n] of perSecond) counts.set(s, (counts.get(s) ?? 0) + n);
  const seconds = [...counts.keys()].sort((a, b) => a - b);
  let peak = 0;
  let sum = 0;
  let lo = 0;
  for (let hi = 0; hi < seconds.length; hi++) {
    sum += counts.get(seconds[hi]!)!;
    while (seconds[hi]! - seconds[lo]! >= 60) sum -= counts.get(seconds[lo++]!)!;
    peak = Math.max(peak, sum);
  }
  return peak;
}

/** Adds slices (a run's journeys, or several runs') into one. */
export function mergeLoad(slices: (HostLoadSlice | undefined)[]): HostLoadSlice {
  const per = new Map<number, number>();
  const out: HostLoadSlice = { requests: 0, cached: 0, perSecond: [], throttled: [], waitedMs: 0 };
  for (const s of slices) {
    if (!s) continue;
    out.requests += s.requests;
    out.cached += s.cached;
    out.waitedMs += s.waitedMs;
    out.throttled.push(...s.throttled);
    if (s.limit) out.limit ??= s.limit;
    for (const [sec, n] of s.perSecond) per.set(sec, (per.get(sec) ?? 0) + n);
  }
  out.perSecond = [...per].sort((a, b) => a[0] - b[0]);
  out.throttled.sort((a, b) => a.at - b.at);
  return out;
}

/**
 * The proxy's side of politeness, for one proxy (one worker): counts, throttles seen, and a gate
 * every forwarded request passes. `share` is this proxy's part of the host's announced limit (1 /
 * the run's workers); the gate keeps the requests of the last window under `share` × 90% of it.
 */
export class HostLoad {
  private perSecond = new Map<number, number>();
  private recent: number[] = [];
  private throttles: Throttle[] = [];
  private requests = 0;
  private cached = 0;
  private waitedMs = 0;
  private pausedUntil = 0;
  private limit?: { n: number; windowMs: number; text: string };

  constructor(private readonly share = 1) {}

  /**
   * What the next proxy of the same worker slot must know (its requests of the last window, the
   * host's limit and reset): a run's projects follow one another in a slot, each with a new proxy.
   */
  snapshot(): HostLoadState {
    return { recent: this.recent.slice(-2000), pausedUntil: this.pausedUntil, ...(this.limit ? { limit: this.limit } : {}) };
  }

  restore(state: HostLoadState): void {
    const now = Date.now();
    this.recent = state.recent.filter((t) => now - t < (state.limit?.windowMs ?? 60_000));
    this.pausedUntil = Math.max(this.pausedUntil, state.pausedUntil);
    if (state.limit) this.limit ??= state.limit;
  }

  /** Waits while the host asked us to (a reset after a 429) or our share of its limit is used up; bounded. */
  async gate(): Promise<void> {
    const started = Date.now();
    for (;;) {
      const now = Date.now();
      if (now - started >= MAX_WAIT_MS) break;
      let until = this.pausedUntil;
      if (this.limit) {
        const windowStart = now - this.limit.windowMs;
        while (this.recent.length && this.recent[0]! <= windowStart) this.recent.shift();
        const allowed = Math.max(1, Math.floor(this.limit.n * 0.9 * this.share));
        if (this.recent.length >= allowed) until = Math.max(until, this.recent[this.recent.length - allowed]! + this.limit.windowMs + 1);
      }
      if (until <= now) break;
      await new Promise((r) => setTimeout(r, Math.min(until - now, MAX_WAIT_MS - (now - started), 1000)));
    }
    this.waitedMs += Date.now() - started;
    const t = Date.now();
    this.recent.push(t);
    if (this.recent.length > 10_000) this.recent.shift();
    this.requests++;
    const sec = Math.floor(t / 1000);
    this.perSecond.set(sec, (this.perSecond.get(sec) ?? 0) + 1);
  }

  /** Learns from a response: the host's announced limit, and whether it pushed back. */
  observe(status: number, headers: IncomingHttpHeaders, path: string): Throttle | undefined {
    const rl = rateLimitOf(headers);
    if (rl.limit !== undefined && rl.limit > 0) this.limit = { n: rl.limit, windowMs: (rl.windowS ?? 60) * 1000, text: rl.policy ?? String(rl.limit) };
    // The host's own count is the truth (other clients, requests this proxy never saw): when its
    // remaining budget runs low, wait for its reset before sending more.
    if (rl.limit && rl.remaining !== undefined && rl.remaining <= Math.max(5, Math.floor(rl.limit * 0.1))) {
      this.pausedUntil = Math.max(this.pausedUntil, Date.now() + Math.min(((rl.resetS ?? rl.windowS ?? 60) * 1000) + 250, MAX_WAIT_MS));
    }
    const t = throttleOf(status, headers, path);
    if (t) {
      this.throttles.push(t);
      if (this.throttles.length > 200) this.throttles.shift();
      const waitMs = Math.min(((t.retryAfterS ?? 10) * 1000) + 500, MAX_WAIT_MS);
      this.pausedUntil = Math.max(this.pausedUntil, Date.now() + waitMs);
    }
    return t;
  }

  /** A request answered from the asset cache. */
  servedFromCache(): void {
    this.cached++;
  }

  /** How long until the host's reset after the latest throttle (0 when none is pending). */
  pendingWaitMs(): number {
    return Math.max(0, this.pausedUntil - Date.now());
  }

  /** What happened since the last drain, and starts a new slice. */
  drain(): HostLoadSlice {
    const slice: HostLoadSlice = { requests: this.requests, cached: this.cached, perSecond: [...this.perSecond].sort((a, b) => a[0] - b[0]), throttled: this.throttles, waitedMs: this.waitedMs, ...(this.limit ? { limit: this.limit.text } : {}) };
    this.perSecond = new Map();
    this.throttles = [];
    this.requests = 0;
    this.cached = 0;
    this.waitedMs = 0;
    return slice;
  }
}

/** What a whole run asked of the target (summary.json's `load`). */
export interface RunLoad {
  /** Requests forwarded to the target. */
  requests: number;
  /** Requests the asset cache answered instead. */
  cached: number;
  /** The most requests sent in any 60 seconds. */
  peakPerMinute: number;
  /** The limit the target announced (e.g. "500;w=60"), when it did. */
  announcedLimit?: string;
  /** Responses that pushed back (429, 503 with a reset), first 20, and their count. */
  throttled: Throttle[];
  throttledCount: number;
  /** Time requests were held back to stay inside the limit or wait out a reset. */
  heldBackMs: number;
  /** How long the load was spread over (first to last request), in seconds. */
  seconds: number;
  /**
   * The run started its own local copies of the app (one per worker), not one shared host: the
   * counts are over them all, and a limit the app announces holds for each copy, not for their sum.
   */
  localCopies?: boolean;
}

export function summarizeLoad(slices: (HostLoadSlice | undefined)[], announcedLimit?: string, localCopies = false): RunLoad {
  const all = mergeLoad(slices);
  const limit = announcedLimit ?? all.limit ?? all.throttled.find((t) => t.limit)?.limit;
  const first = all.perSecond[0]?.[0];
  const last = all.perSecond[all.perSecond.length - 1]?.[0];
  return {
    requests: all.requests,
    cached: all.cached,
    peakPerMinute: peakPerMinute(all.perSecond),
    ...(limit ? { announcedLimit: limit } : {}),
    throttled: all.throttled.slice(0, 20),
    throttledCount: all.throttled.length,
    heldBackMs: all.waitedMs,
    seconds: first === undefined ? 0 : last! - first + 1,
    ...(localCopies ? { localCopies } : {}),
  };
}

/** Two runs' loads one after the other (a split's or blame's re-runs after the first pass). */
export function addLoad(a: RunLoad | undefined, b: RunLoad | undefined): RunLoad | undefined {
  if (!a || !b) return a ?? b;
  const limit = a.announcedLimit ?? b.announcedLimit;
  return {
    requests: a.requests + b.requests,
    cached: a.cached + b.cached,
    peakPerMinute: Math.max(a.peakPerMinute, b.peakPerMinute),
    ...(limit ? { announcedLimit: limit } : {}),
    throttled: [...a.throttled, ...b.throttled].slice(0, 20),
    throttledCount: a.throttledCount + b.throttledCount,
    heldBackMs: a.heldBackMs + b.heldBackMs,
    seconds: a.seconds + b.seconds,
    ...(a.localCopies || b.localCopies ? { localCopies: true } : {}),
  };
}

/** One line for people: "1,234 requests to the target (peak 310 a minute; 2,345 more served from the asset cache), no pushback". */
export function describeLoad(load: RunLoad): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const parts = [load.localCopies
    ? `${n(load.requests)} requests to the local copies of the app the run started (one per worker, each its own host) in ${n(load.seconds)} s (peak ${n(load.peakPerMinute)} a minute over them all${load.announcedLimit ? `; the limit each copy announced: ${load.announcedLimit}` : ''})`
    : `${n(load.requests)} requests to the target in ${n(load.seconds)} s (peak ${n(load.peakPerMinute)} a minute${load.announcedLimit ? `; its announced limit ${load.announcedLimit}` : ''})`];
  if (load.cached) parts.push(`${n(load.cached)} more answered from headerproof's asset cache`);
  parts.push(load.throttledCount ? `the target pushed back ${n(load.throttledCount)} time(s) (HTTP ${[...new Set(load.throttled.map((t) => t.status))].join('/')})` : 'no pushback (no 429/503)');
  if (load.heldBackMs >= 1000) parts.push(`requests held back ${Math.round(load.heldBackMs / 1000)} s in all to stay inside its limit`);
  return parts.join('; ');
}

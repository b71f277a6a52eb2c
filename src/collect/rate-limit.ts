// Per-client token buckets with a fixed number of clients remembered, so a flood from many
// addresses cannot grow memory: the least recently seen client is forgotten first.
export interface RateLimitOptions {
  /** Requests a client may send at once. */
  burst: number;
  /** Requests per second refilled. */
  perSecond: number;
  /** Clients remembered at most. */
  maxClients: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly options: RateLimitOptions) {}

  /** True when the client may send this request now. */
  take(client: string, now = Date.now()): boolean {
    const { burst, perSecond, maxClients } = this.options;
    const b = this.buckets.get(client) ?? { tokens: burst, at: now };
    this.buckets.delete(client); // re-inserted last: Map order is recency order
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    const allowed = b.tokens >= 1;
    if (allowed) b.tokens -= 1;
    this.buckets.set(client, b);
    if (this.buckets.size > maxClients) this.buckets.delete(this.buckets.keys().next().value!);
    return allowed;
  }

  get clients(): number {
    return this.buckets.size;
  }
}

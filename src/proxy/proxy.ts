// The injecting reverse proxy: a thin http-proxy core in front of exactly one target, with one hook
// per concern (guard, report collector, header edits). Bodies stream straight through.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import httpProxy from 'http-proxy';
import type { Policy } from '../policy/policy.js';
import { ReportCollector } from './collector.js';
import { applyHeaderEdits, policyApplies, REPORT_PATH } from './header-edits.js';
import { applyStackEdits } from './stack.js';
import { applySharedEdits } from './share.js';
import { InlineBlockRecorder } from './inline-scripts.js';
import { redact } from '../observe/violation.js';
import { upstreamAgent, type UpstreamOptions } from './upstream.js';
import { PassThrough, Readable } from 'node:stream';
import { HostLoad } from './host.js';
import { AssetCache, cacheable, cacheLookupAllowed } from './asset-cache.js';

/** Responses whose body an app may fetch and run as an inline script's text (hashed, never held). */
const SCRIPT_TYPE = /^(?:text|application)\/(?:x-)?(?:javascript|ecmascript)\b/i;

/** How to reach the target (verifyTls, connectTo, ca) comes from UpstreamOptions. */
export interface ProxyOptions extends UpstreamOptions {
  /** The one upstream origin, e.g. http://127.0.0.1:3001 or https://photos.example.org. */
  target: string;
  /** null = baseline: forward untouched. */
  policy: Policy | null;
  /** The app's mark of an inline script generated per build (from its profile): such blocks are flagged. */
  buildSpecific?: RegExp;
  /** Report-only candidates served side by side in one pass (src/proxy/stack.ts). */
  stack?: Policy[];
  /** Restriction-only candidates served together, enforced, in one pass (src/proxy/share.ts). */
  shared?: Policy[];
  /** Interface to listen on; 127.0.0.1 unless the user says otherwise. */
  listenHost?: string;
  port?: number;
  /** Extra Host header values the browser may use to reach the proxy (e.g. a made-up name mapped to loopback). */
  allowedHosts?: string[];
  /** Upstream response timeout in ms. */
  upstreamTimeoutMs?: number;
  /** Also put `report-to` in injected CSPs (see ReportingOptions). */
  reportTo?: boolean;
  /** Serve HTTPS with this certificate (origin-preserving mode: made for the target's name). */
  tls?: { cert: string; key: string };
  /**
   * Keep the app's immutable static assets and serve them again without asking the target
   * (src/proxy/asset-cache.ts): true for memory only, or a folder the run's workers share.
   */
  assetCache?: boolean | string;
  /** This proxy's part of the host's announced rate limit (1 / the run's workers; default 1). */
  hostShare?: number;
}

/** How long the proxy keeps a client's idle connection open. */
export const KEEP_ALIVE_MS = 65_000;

export interface ProxyStats {
  requests: number;
  upstreamErrors: number;
  lastUpstreamError?: string;
  refused: number;
  /** GET/HEAD requests re-sent once after the target reset a (kept-alive) connection. */
  upstreamRetries: number;
  /** Headers the upstream already sent that the policy replaced. */
  replacedUpstreamHeaders: Set<string>;
  /** Why a shared pass proves nothing (the app's own header meets members that disagree about it). */
  shareUnsound?: string;
  /** The names of the headers the target sent itself (lower-case, before any edit). */
  upstreamHeaders: Set<string>;
  /** Websocket upgrades forwarded so far (the count) and the paths of the latest ones. */
  websocketUpgrades: number;
  websocketPaths: string[];
}

export interface RunningProxy {
  url: string;
  port: number;
  collector: ReportCollector;
  /** Inline scripts and styles of the HTML documents served so far. */
  inlineBlocks: InlineBlockRecorder;
  stats: ProxyStats;
  /** The load this proxy put on the target and the target's pushback (src/proxy/host.ts). */
  host: HostLoad;
  close(): Promise<void>;
}

/** A request body up to this size is kept, so a request that met a stale kept-alive connection can be sent again. */
const RETRY_BODY_MAX = 64 * 1024;

export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const target = new URL(options.target);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new Error(`target must be an http:// or https:// URL, got ${options.target}`);
  }
  const targetOrigin = target.origin;
  const collector = new ReportCollector();
  const host = new HostLoad(options.hostShare ?? 1);
  const cache = options.assetCache ? new AssetCache(typeof options.assetCache === 'string' ? options.assetCache : undefined) : undefined;
  const inlineBlocks = new InlineBlockRecorder(options.buildSpecific);
  const stats: ProxyStats = { requests: 0, upstreamErrors: 0, refused: 0, upstreamRetries: 0, replacedUpstreamHeaders: new Set(), upstreamHeaders: new Set(), websocketUpgrades: 0, websocketPaths: [] };
  const agent = upstreamAgent(target, options);
  // A retry goes on a new connection: when the first kept-alive socket was stale, the next one in
  // the pool may be too (seen in CI: a loaded worker's event loop outlived the idle timers).
  const retryAgent = upstreamAgent(target, options, false);
  const proxy = httpProxy.createProxyServer({
    target: targetOrigin,
    changeOrigin: true,
    ws: true,
    secure: options.verifyTls !== false,
    autoRewrite: true,
    agent,
    proxyTimeout: options.upstreamTimeoutMs ?? 60_000,
  });
  const listenHost = options.listenHost ?? '127.0.0.1';
  let port = 0;

  const allowedHost = (host: string | undefined): boolean => {
    if (!host) return false;
    const h = host.toLowerCase();
    const mine = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${listenHost}:${port}`];
    return mine.includes(h) || (options.allowedHosts ?? []).some((a) => a.toLowerCase() === h || `${a.toLowerCase()}:${port}` === h);
  };

  // Guard: only origin-form requests for our own host reach the target. Absolute-form URLs
  // (forward-proxy use) and foreign Host headers (DNS rebinding) are refused.
  const refusal = (req: http.IncomingMessage): string | null => {
    if (!req.url?.startsWith('/')) return 'absolute-form requests are refused: headerproof only forwards to its configured target';
    if (!allowedHost(req.headers.host)) return `Host "${req.headers.host ?? ''}" is not this proxy; refused`;
    return null;
  };

  // The policy's edits on one response's headers (in place): the same for a fetched response and for
  // one served from the asset cache.
  const editHeaders = (headers: http.IncomingHttpHeaders, req: http.IncomingMessage, urlPath: string) => {
    if (stats.upstreamHeaders.size < 200) for (const name of Object.keys(headers)) stats.upstreamHeaders.add(name.toLowerCase());
    const origin = `${options.tls ? 'https' : 'http'}://${req.headers.host}`;
    // The target's own report-only CSP stays beside a stack's members; each member alone would
    // replace it, so their reports say so as they would alone.
    if (options.stack?.length && applyStackEdits(headers, options.stack, origin, urlPath).upstreamHadOne) {
      stats.replacedUpstreamHeaders.add('content-security-policy-report-only');
    }
    if (options.shared?.length) {
      const { replaced, unsound } = applySharedEdits(headers, options.shared, origin, urlPath);
      for (const name of replaced) stats.replacedUpstreamHeaders.add(name);
      if (unsound) stats.shareUnsound ??= unsound;
      return;
    }
    if (!options.policy) return;
    if (!policyApplies(options.policy, urlPath)) return;
    const reportUrl = `${origin}${REPORT_PATH}`;
    const { replaced } = applyHeaderEdits(headers, options.policy, reportUrl, { reportTo: options.reportTo });
    for (const name of replaced) stats.replacedUpstreamHeaders.add(name);
  };

  proxy.on('proxyRes', (proxyRes, req, res) => {
    // An upstream that dies mid-body is a target error, not a slow page: count it and cut the
    // client's response so the browser sees a failure rather than a silently truncated file.
    proxyRes.on('aborted', () => {
      // The browser went away (navigation, closed context): http-proxy aborts the upstream
      // request itself, which is not the target's fault.
      if (req.socket.destroyed) return;
      stats.upstreamErrors++;
      stats.lastUpstreamError = 'upstream reset the connection mid-response';
      res.destroy();
    });
    const urlPath = (req.url ?? '/').split('?')[0]!;
    host.observe(proxyRes.statusCode ?? 0, proxyRes.headers, redact(urlPath));
    // The target's response as it came, before any edit, for the asset cache.
    if (cache && cacheLookupAllowed(req) && cacheable('GET', urlPath, proxyRes.statusCode ?? 0, proxyRes.headers)) {
      const key = AssetCache.key(req);
      const status = proxyRes.statusCode!;
      const headers = structuredClone(proxyRes.headers);
      const chunks: Buffer[] = [];
      proxyRes.on('data', (c: Buffer) => chunks.push(c));
      proxyRes.on('end', () => { if (proxyRes.complete) cache.put(key, { status, headers, body: Buffer.concat(chunks) }); });
    }
    // The path is reported (where the inline block was seen): a shared link's key in it is masked.
    const type = String(proxyRes.headers['content-type'] ?? '');
    if (/^text\/html\b/i.test(type)) inlineBlocks.watch(proxyRes, redact(urlPath));
    else if (SCRIPT_TYPE.test(type) && (proxyRes.statusCode ?? 0) === 200) inlineBlocks.watchScript(proxyRes, redact(urlPath));
    editHeaders(proxyRes.headers, req, urlPath);
  });

  /** Answers from the asset cache, with the policy's edits applied as to a fetched response. */
  const fromCache = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    if (!cache || !cacheLookupAllowed(req)) return false;
    const hit = cache.get(AssetCache.key(req));
    if (!hit) return false;
    const headers = structuredClone(hit.headers);
    // Framed as the target framed it (a length, or chunks), dated now as a fetch would be.
    const chunked = headers['content-length'] === undefined;
    delete headers['transfer-encoding'];
    delete headers.connection;
    delete headers['keep-alive'];
    headers.date = new Date().toUTCString();
    editHeaders(headers, req, (req.url ?? '/').split('?')[0]!);
    host.servedFromCache();
    if (hit.status === 200 && SCRIPT_TYPE.test(String(hit.headers['content-type'] ?? ''))) {
      const copy = Object.assign(new PassThrough(), { headers: hit.headers });
      inlineBlocks.watchScript(copy, redact((req.url ?? '/').split('?')[0]!));
      copy.end(hit.body);
    }
    res.writeHead(hit.status, headers as http.OutgoingHttpHeaders);
    if (chunked) {
      res.write(hit.body);
      res.end();
    } else res.end(hit.body);
    return true;
  };

  const upstreamFailed = (err: Error, res: http.ServerResponse | Socket | undefined) => {
    stats.upstreamErrors++;
    stats.lastUpstreamError = `${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}`.trim();
    if (res instanceof http.ServerResponse) {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`headerproof: target ${targetOrigin} unreachable (${stats.lastUpstreamError})`);
      } else res.destroy();
    } else (res as Socket | undefined)?.destroy();
  };
  proxy.on('error', (err, _req, res) => upstreamFailed(err, res as http.ServerResponse | Socket));

  // A target may close an idle kept-alive connection just as it is reused (Node's default is
  // 5 s); like nginx's proxy_next_upstream, an idempotent request is sent once more instead of
  // failing the page with a 502 the target never meant.
  // Any other request (a login POST) only when the connection it failed on was a reused kept-alive
  // one and nothing came back: the target closed an idle socket as it was reused and never read the
  // request (what browsers retry too). Its body, up to RETRY_BODY_MAX, is kept as it streams past.
  const forward = (req: http.IncomingMessage, res: http.ServerResponse, retry: boolean, body?: Buffer) => {
    proxy.web(req, res, retry ? { buffer: Readable.from(body?.length ? [body] : []), agent: retryAgent } : {}, (err) => {
      const code = (err as NodeJS.ErrnoException).code;
      // Idempotent (RFC 9110) and without a body, which the first try has consumed: a journey's
      // cleanup DELETE is as safe to send again as a GET.
      const bodyless = !req.headers['transfer-encoding'] && (req.headers['content-length'] ?? '0') === '0';
      const idempotent = ['GET', 'HEAD', 'OPTIONS', 'DELETE'].includes(req.method ?? '') && bodyless;
      const stale = upstreamRequest.get(req)?.reusedSocket === true && req.readableEnded && kept !== undefined && kept.size <= RETRY_BODY_MAX;
      if (!retry && (idempotent || stale) && !res.headersSent && !req.socket.destroyed && (code === 'ECONNRESET' || code === 'EPIPE')) {
        stats.upstreamRetries++;
        forward(req, res, true, kept ? Buffer.concat(kept.chunks) : undefined);
        return;
      }
      upstreamFailed(err, res);
    });
    let kept: { chunks: Buffer[]; size: number } | undefined;
    if (!retry && !['GET', 'HEAD'].includes(req.method ?? '')) {
      // Registered after proxy.web piped the request (same tick, before any chunk): a copy, not a detour.
      kept = { chunks: [], size: 0 };
      const k = kept;
      req.on('data', (chunk: Buffer) => {
        k.size += chunk.length;
        if (k.size <= RETRY_BODY_MAX) k.chunks.push(chunk);
        else k.chunks = [];
      });
    }
  };
  // The upstream request of each client request, to ask at failure time whether its socket was reused.
  const upstreamRequest = new WeakMap<http.IncomingMessage, http.ClientRequest>();
  proxy.on('proxyReq', (proxyReq, req) => upstreamRequest.set(req, proxyReq));

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    stats.requests++;
    const why = refusal(req);
    if (why) {
      stats.refused++;
      res.writeHead(why.startsWith('Host') ? 421 : 400, { 'content-type': 'text/plain' });
      res.end(`headerproof: ${why}\n`);
      return;
    }
    if (req.url === REPORT_PATH || req.url!.startsWith(`${REPORT_PATH}?`) || req.url!.startsWith(`${REPORT_PATH}/`)) return collector.handle(req, res);
    if (fromCache(req, res)) return;
    // Held back while the host asked us to wait or our share of its limit is used up.
    void host.gate().then(() => {
      if (req.socket.destroyed) return;
      forward(req, res, false);
    });
  };
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler) : http.createServer(handler);
  // Clients reuse idle connections (Playwright's API contexts, browsers). Node closes them after
  // 5 s, and a request sent just as one closes fails with ECONNRESET (seen in CI: a journey's
  // cleanup DELETE, 5 s after its last API call). Keep them about as long as a browser does.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  server.on('connect', (_req, socket: Socket) => {
    stats.refused++;
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  // Upgraded sockets leave the server's books: close() ends them (a browser shared across
  // projects would otherwise hold the proxy open).
  const upgraded = new Set<Socket>();
  server.on('upgrade', (req, socket: Socket, head) => {
    socket.on('error', () => undefined);
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    if (refusal(req)) {
      stats.refused++;
      socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    // What the browser really opened, whatever the engine tells its driver (Firefox over BiDi
    // reports no websocket events to Playwright).
    stats.websocketUpgrades++;
    stats.websocketPaths.push((req.url ?? '').split('?')[0]!);
    if (stats.websocketPaths.length > 100) stats.websocketPaths.shift();
    void host.gate().then(() => { if (!socket.destroyed) proxy.ws(req, socket, head); });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  server.on('tlsClientError', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, listenHost, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const hostForUrl = listenHost.includes(':') ? `[${listenHost}]` : listenHost;
  return {
    url: `${options.tls ? 'https' : 'http'}://${hostForUrl === '0.0.0.0' ? '127.0.0.1' : hostForUrl}:${port}`,
    port,
    collector,
    inlineBlocks,
    stats,
    host,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        for (const s of upgraded) s.destroy();
        server.close(() => resolve());
        proxy.close();
        agent.destroy();
        retryAgent.destroy();
      }),
  };
}

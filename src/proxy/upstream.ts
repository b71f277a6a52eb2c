// How headerproof reaches its one target (the proxy, seed): keep-alive connections, TLS
// verification with optional extra CAs, and an optional address override.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

export interface UpstreamOptions {
  /** Verify the target's TLS certificate (default true). */
  verifyTls?: boolean;
  /** Reach the target at this address instead of DNS's (like curl --connect-to). */
  connectTo?: { host: string; port: number };
  /** Extra CA certificates (PEM). */
  ca?: string;
}

/**
 * Keep-alive connections to the one target. With connectTo the socket goes to that address while
 * SNI, certificate checks and Host stay the target's name, so a staging host that DNS does not
 * know (or a test) behaves as the real name would.
 */
export function upstreamAgent(target: URL, options: UpstreamOptions, keepAlive = true): http.Agent {
  const base = { keepAlive, maxSockets: 256 };
  const connectTo = options.connectTo;
  if (target.protocol === 'https:') {
    const agent = new https.Agent({ ...base, rejectUnauthorized: options.verifyTls !== false, ...(options.ca ? { ca: options.ca } : {}) });
    // Node's agent uses the returned socket; the callback is not for us.
    if (connectTo) {
      agent.createConnection = ((opts: tls.ConnectionOptions) =>
        tls.connect({ ...opts, host: connectTo.host, port: connectTo.port, servername: target.hostname })) as unknown as typeof agent.createConnection;
    }
    return agent;
  }
  const agent = new http.Agent(base);
  if (connectTo) agent.createConnection = ((opts: net.NetConnectOpts) => net.connect({ ...opts, host: connectTo.host, port: connectTo.port } as net.NetConnectOpts)) as unknown as typeof agent.createConnection;
  return agent;
}

export interface TargetAnswer { status: number; text: string; headers: http.IncomingHttpHeaders }

/** One request to the target through an upstreamAgent (reachability check, seed). */
export function requestTarget(
  origin: URL,
  agent: http.Agent,
  path: string,
  /** headOnly: answer as soon as the status line and headers arrive (the body is discarded). */
  init: { method?: string; headers?: Record<string, string>; body?: Buffer; timeoutMs?: number; headOnly?: boolean } = {},
): Promise<TargetAnswer> {
  const timeoutMs = init.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const req = (origin.protocol === 'https:' ? https : http).request(new URL(path, origin), {
      method: init.method ?? 'GET', agent, timeout: timeoutMs,
      headers: { ...init.headers, ...(init.body ? { 'content-length': String(init.body.length) } : {}) },
    }, (res) => {
      if (init.headOnly) {
        res.on('error', () => undefined); // a body cut short is not this caller's concern
        res.resume();
        resolve({ status: res.statusCode ?? 0, text: '', headers: res.headers });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(init.body);
  });
}

// How headerproof reaches its one target (the proxy, seed): keep-alive connections, TLS
// verification with optional extra CAs, and an optional address override.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

export interface UpstreamOptions {
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
export function upstreamAgent(target: URL, options: UpstreamOptions): http.Agent {
  const base = { keepAlive: true, maxSockets: 256 };
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

// The websocket as the mobile app opens it: socket.io over a plain websocket at /api/socket.io,
// authenticated with a header, answered by the server's `on_server_version` event.
import { io } from 'socket.io-client';

export class WebsocketError extends Error {}

/** Connects, waits for the server's version event (or fails within timeoutMs), disconnects. */
export async function connectLikeTheMobileApp(origin: string, apiKey: string, timeoutMs = 10_000): Promise<{ serverVersion: unknown }> {
  const socket = io(origin, {
    path: '/api/socket.io',
    transports: ['websocket'],
    extraHeaders: { 'x-api-key': apiKey },
    reconnection: false,
    timeout: timeoutMs,
    rejectUnauthorized: false, // the proxy's throwaway certificate in origin-preserving mode
  });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new WebsocketError(`no on_server_version event within ${timeoutMs} ms`)), timeoutMs);
      socket.on('on_server_version', (serverVersion: unknown) => { clearTimeout(timer); resolve({ serverVersion }); });
      socket.on('connect_error', (err: Error) => { clearTimeout(timer); reject(new WebsocketError(`the websocket was refused: ${err.message}`)); });
    });
  } finally {
    socket.close();
  }
}

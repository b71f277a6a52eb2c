import { test, expect } from '../fixtures.js';
import { connectLikeTheMobileApp } from '../api-client.js';

// Proves: what the mobile app and the CLI do still works through the edge with the policy applied —
// server discovery (/.well-known/immich), ping, version, an API call with an API key, and the
// websocket the app keeps open. No browser: these clients ignore CSP, but not a broken edge.
test('api-clients: the mobile app and the CLI discover, authenticate and keep a websocket', async ({ playwright, clientOrigin, immich }) => {
  const apiKey = await immich.createApiKey();
  const client = await playwright.request.newContext({ baseURL: clientOrigin, ignoreHTTPSErrors: true });
  try {
    const wellKnown = await client.get('/.well-known/immich');
    expect(wellKnown.status(), 'server discovery (/.well-known/immich) failed').toBe(200);
    const endpoint = ((await wellKnown.json()) as { api?: { endpoint?: string } }).api?.endpoint;
    expect(endpoint, 'server discovery did not name the API endpoint').toBe('/api');

    const ping = await client.get(`${endpoint}/server/ping`);
    expect(ping.status(), 'the ping failed').toBe(200);
    expect(await ping.json(), 'the ping did not answer pong').toEqual({ res: 'pong' });

    const version = await client.get(`${endpoint}/server/version`);
    expect(version.status(), 'the version check failed').toBe(200);
    expect(await version.json(), 'the version check did not answer a version').toMatchObject({ major: expect.any(Number), minor: expect.any(Number) });

    const me = await client.get(`${endpoint}/users/me`, { headers: { 'x-api-key': apiKey } });
    expect(me.status(), 'an API call with an API key failed').toBe(200);
    expect(await me.json(), 'the API key did not act as the test user').toMatchObject({ id: expect.any(String), email: expect.any(String) });

    const socket = await connectLikeTheMobileApp(clientOrigin, apiKey);
    expect(socket.serverVersion, 'the websocket never said the server version').toMatchObject({ major: expect.any(Number) });
  } finally {
    await client.dispose();
  }
});

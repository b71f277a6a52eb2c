import { test, expect } from '../fixtures.js';

// Proves: the socket.io websocket at /api/socket.io connects through the edge (connect-src and
// the proxy's upgrade), shown by the sidebar's "Server Online".
// The upgrade is counted at the proxy (what went over the wire), the same in every engine.
test('websocket: socket.io connects and the sidebar shows Server Online', async ({ loggedInPage: page, openedWebsockets }) => {
  await page.goto('/photos');
  await expect(page.locator('#sidebar'), 'the sidebar never showed "Server Online"').toContainText('Server Online', { timeout: 15_000 });
  expect(openedWebsockets().some((p) => p.startsWith('/api/socket.io')), 'no websocket to /api/socket.io was opened').toBe(true);
});

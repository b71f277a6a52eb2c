import { test, expect } from '../../src/harness/fixtures.js';

// Proves: the socket.io websocket at /api/socket.io connects through the edge (connect-src and
// the proxy's upgrade), shown by the sidebar's "Server Online".
test('websocket: socket.io connects and the sidebar shows Server Online', async ({ loggedInPage: page }) => {
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto('/photos');
  await expect(page.locator('#sidebar'), 'the sidebar never showed "Server Online"').toContainText('Server Online', { timeout: 15_000 });
  expect(sockets.some((u) => u.includes('/api/socket.io')), 'no websocket to /api/socket.io was opened').toBe(true);
});

import { test, expect } from '../fixtures.js';
import { distinctColors } from '../../../harness/dom.js';

// Proves: the map style, tiles and sprite load from the map's tile origin, the WebGL canvas is
// drawn (maplibre's blob: worker ran), markers for GPS assets appear (one per photo, or a cluster
// bubble), and, where the version has the control, fullscreen really works (Permissions-Policy).
test('map: tiles load from the tile origin, the canvas draws, markers show, fullscreen works', async ({ loggedInPage: page, immich, web }) => {
  const features = await immich.features();
  test.skip(features.map === false, 'the map feature is off on the target');
  const markers = await immich.mapMarkers();
  test.skip(markers.length === 0, 'the target library has no assets with GPS');
  const styleUrl = (await immich.serverConfig()).mapLightStyleUrl;
  const tileOrigin = styleUrl ? new URL(styleUrl).origin : 'https://tiles.immich.cloud';
  const fromTileOrigin: string[] = [];
  page.on('response', (r) => {
    if (r.ok() && r.url().startsWith(`${tileOrigin}/`)) fromTileOrigin.push(r.url());
  });

  await page.goto('/map');
  const canvas = page.locator('.maplibregl-map canvas.maplibregl-canvas');
  await expect(canvas, 'the map canvas never appeared').toBeVisible();
  await expect.poll(() => fromTileOrigin.length, { message: `no style or tiles loaded from ${tileOrigin}`, timeout: 15_000 }).toBeGreaterThan(1);
  await expect(page.getByRole('button', { name: 'Map marker' }).first(), 'no map markers appeared').toBeVisible({ timeout: 15_000 });
  await expect.poll(() => distinctColors(canvas), { message: 'the map canvas stayed blank' }).toBeGreaterThan(2);

  if (!web.mapFullscreenControl) {
    test.info().annotations.push({ type: 'note', description: 'this Immich version has no map fullscreen control; fullscreen is proven by the slideshow journey' });
    return;
  }
  await page.getByRole('button', { name: 'Enter fullscreen' }).click();
  await expect
    .poll(() => page.evaluate(() => document.fullscreenElement !== null), { message: 'the map fullscreen control could not enter fullscreen' })
    .toBe(true);
});

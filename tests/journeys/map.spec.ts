import { test, expect } from '../../src/harness/fixtures.js';
import { distinctColors } from '../../src/harness/dom.js';

// Proves: the map style, tiles and sprite load from the map's tile origin, the WebGL canvas is
// drawn (maplibre's blob: worker ran), markers for GPS assets appear, and the fullscreen control
// really enters fullscreen (Permissions-Policy).
test('map: tiles load from the tile origin, the canvas draws, markers show, fullscreen works', async ({ loggedInPage: page, immich }) => {
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
  await expect(page.locator('.maplibregl-marker img[alt^="Map marker"]').first(), 'no map markers appeared').toBeVisible({ timeout: 15_000 });
  await expect.poll(() => distinctColors(canvas), { message: 'the map canvas stayed blank' }).toBeGreaterThan(2);

  await page.locator('.maplibregl-ctrl-fullscreen').click();
  await expect
    .poll(() => page.evaluate(() => document.fullscreenElement !== null), { message: 'the map fullscreen control could not enter fullscreen' })
    .toBe(true);
});

import { test, expect } from '../fixtures.js';
import { isDecoded } from '../../../harness/dom.js';

// Proves: a public shared link works for a visitor without an account — the album's thumbnails
// and the viewer load with the key in the URL — and the key never leaves in a Referer to another
// origin (Referrer-Policy: the detail panel's map fetches from the tile server).
test('share-link: a visitor without a session sees the album, and its key stays home', async ({ page, context, immich, baseURL }) => {
  const album = await immich.sampleAlbum();
  test.skip(!album, 'the target has no album with assets to share (run `headerproof seed`)');
  const located = (await immich.albumAssets(album!.id)).find((a) => typeof a.exifInfo?.latitude === 'number');
  test.skip(!located, `the album "${album!.albumName}" has no photo with a location, whose map would show where the key goes`);
  test.skip(!(await immich.features()).map, 'the target has the map turned off, so nothing on a shared page asks another origin');
  const link = await immich.createSharedLink(album!.id);

  // Every request to another origin than the app's, with the Referer it carried (the service
  // worker's included).
  const appOrigin = new URL(baseURL!).origin;
  const crossOrigin: { url: string; referer: string }[] = [];
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (!/^https?:$/.test(url.protocol) || url.origin === appOrigin) return;
    crossOrigin.push({ url: url.origin + url.pathname, referer: request.headers()['referer'] ?? '' });
  });

  // `page` has no session: the visitor only has the link. Opened from the page, not page.goto, so
  // the key is not written into Playwright's own report as a step title.
  await page.evaluate((href) => location.assign(href), new URL(`/share/${link.key}`, baseURL).href);
  await page.waitForURL(/\/share\/[^/]+$/);
  await expect(page.getByRole('heading', { name: album!.albumName }), 'the shared album never showed its title').toBeVisible();
  const tile = page.locator(`[data-thumbnail-focus-container][data-asset="${located!.id}"]`);
  await expect(tile, "the shared album never laid out the photo's tile").toBeAttached();
  await tile.scrollIntoViewIfNeeded({ timeout: 15_000 });
  await expect
    .poll(() => isDecoded(tile.locator('img')), { message: "the shared album's thumbnail never decoded" })
    .toBe(true);

  await tile.click();
  await expect(page, 'the shared viewer never opened').toHaveURL(new RegExp(`/share/[^/]+/photos/${located!.id}`));
  const shown = page.locator('#immich-asset-viewer img[src*="/thumbnail"], #immich-asset-viewer img[src*="/original"]').last();
  await expect
    .poll(() => isDecoded(shown), { message: 'the shared photo never decoded in the viewer' })
    .toBe(true);

  // The detail panel ("i") shows where the photo was taken: its map asks the tile server.
  await page.keyboard.press('i');
  await expect.poll(() => crossOrigin.length, { message: "the detail panel's map never asked the tile server" }).toBeGreaterThan(0);
  const leaks = crossOrigin.filter((r) => r.referer.includes(link.key)).map((r) => r.url);
  expect(leaks, 'the share key left in a Referer to another origin').toEqual([]);
});

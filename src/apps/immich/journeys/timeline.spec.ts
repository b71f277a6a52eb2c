import { test, expect } from '../fixtures.js';

// Proves: the timeline grid renders and its thumbnails actually decode (naturalWidth > 0),
// which needs the service worker's re-fetch and img-src/connect-src to allow them.
test('timeline: the grid shows decoded thumbnails', async ({ loggedInPage: page, immich }) => {
  // Whether there is anything to show comes from the API; once the page is open, an empty grid
  // is a failure (the policy may be what emptied it), never a skip.
  const anyAsset = (await immich.findAsset('IMAGE')) ?? (await immich.findAsset('VIDEO'));
  test.skip(!anyAsset, 'the target library has no assets to show (headerproof seed uploads some)');
  await page.goto('/photos');
  const grid = page.locator('#asset-grid');
  await expect(grid, 'the timeline grid never rendered').toBeVisible();
  const cells = grid.locator('[data-asset-id]');
  await expect(cells.first(), 'the grid shows no asset although the library has some').toBeVisible();
  const thumbnails = grid.locator('[data-asset-id] [data-thumbnail-focus-container] img');
  // Every thumbnail in the first screenful must load and decode.
  const inView = Math.min(await cells.count(), 8);
  await expect
    .poll(() => thumbnails.evaluateAll((imgs, n) => imgs.slice(0, n).filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0).length, inView),
      { message: 'thumbnails did not decode', timeout: 15_000 })
    .toBe(inView);
  // As Immich words it: "Image taken on <date>", or "Image taken in <city>, <country> on <date>".
  await expect(thumbnails.first()).toHaveAttribute('alt', /^(Image|Video) taken (in .+ )?(with .+ )?on /);
});

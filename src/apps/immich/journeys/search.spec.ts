import { test, expect } from '../fixtures.js';
import { isDecoded } from '../../../harness/dom.js';

// Proves: a metadata search (POST /api/search/metadata, no machine learning needed) returns the
// expected asset, shown as a thumbnail tile that decodes.
test('search: a metadata search by file name finds the asset', async ({ loggedInPage: page, immich }) => {
  const asset = await immich.findAsset('IMAGE');
  test.skip(!asset, 'the target library has no image to search for');
  await page.goto(`/search?query=${encodeURIComponent(JSON.stringify({ originalFileName: asset!.originalFileName }))}`);
  // v1 renders two search bars on this page (the page's own and the header's, visible for a moment).
  await expect(page.locator('#main-search-bar').filter({ visible: true }).first(), 'the search page never rendered').toBeVisible();
  // Result tiles (gallery or timeline) carry the asset id on their focus container.
  const hit = page.locator(`[data-thumbnail-focus-container][data-asset="${asset!.id}"]`).first();
  await expect(hit, `the search did not return ${asset!.originalFileName}`).toBeVisible();
  await expect.poll(() => isDecoded(hit.locator('img').first()), { message: 'the result thumbnail did not decode' }).toBe(true);
});

import { test, expect } from '../fixtures.js';
import { isDecoded } from '../../../harness/dom.js';

// Proves: the asset viewer opens, its preview image decodes, and zooming in loads and decodes the
// original (the service worker re-fetches both). Zoom with the "z" shortcut: every version has it
// (a double-click zooms only in some).
test('full image: the viewer shows the preview, and the original on zoom', async ({ loggedInPage: page, immich }) => {
  const image = await immich.findAsset('IMAGE');
  test.skip(!image, 'the target library has no image');
  await page.goto(`/photos/${image!.id}`);
  const viewer = page.locator('#immich-asset-viewer');
  await expect(viewer, 'the asset viewer never opened').toBeVisible();
  const preview = viewer.locator(`img[src*="/api/assets/${image!.id}/thumbnail?size=preview"]:visible`).first();
  await expect(preview, 'no visible preview image').toBeVisible();
  await expect.poll(() => isDecoded(preview), { message: 'the preview image did not decode' }).toBe(true);
  await page.keyboard.press('z');
  // A web-compatible photo zooms to /original; other formats to size=fullsize.
  const original = viewer.locator(`img[src*="/api/assets/${image!.id}/original"]:visible, img[src*="/api/assets/${image!.id}/thumbnail?size=fullsize"]:visible`).first();
  await expect(original, 'zooming in did not switch to the original').toBeVisible();
  await expect.poll(() => isDecoded(original), { message: 'the original image did not decode' }).toBe(true);
});

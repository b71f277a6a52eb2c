import { test, expect } from '../fixtures.js';
import { isDecoded } from '../../../harness/dom.js';
import { uniquePng } from '../sample-upload.js';

// Proves: uploading from the browser works — the file chooser, the upload itself (and, where the
// version hashes in a worker, its checksum first) — and the new photo appears in the timeline with
// a decoded thumbnail. The photo is deleted again after the test.
test('upload: a photo chosen in the browser lands in the timeline with its thumbnail', async ({ loggedInPage: page, immich }) => {
  // A picture no library holds yet (Immich refuses a file it already has as a duplicate).
  const file = uniquePng();
  await page.goto('/photos');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Upload' }).first().click();
  await (await chooser).setFiles(file);

  let uploaded: string | undefined;
  await expect.poll(async () => (uploaded = (await immich.findByFileName(file.name))[0]?.id), { message: 'the server never received the upload' }).toBeTruthy();
  immich.deleteAfterTest(uploaded!);
  const thumbnail = page.locator(`[data-thumbnail-focus-container][data-asset="${uploaded}"] img, [data-asset-id="${uploaded}"] img`).first();
  await expect
    .poll(() => isDecoded(thumbnail), { message: 'the uploaded photo never showed a decoded thumbnail in the timeline' })
    .toBe(true);
});

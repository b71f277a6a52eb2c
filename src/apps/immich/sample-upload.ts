// A small PNG no library holds yet, for the upload journey: Immich refuses a file whose checksum
// it already has, so each upload gets its own colour and name.
import { randomBytes } from 'node:crypto';
import { PNG } from 'pngjs';

export function uniquePng(width = 96, height = 64): { name: string; mimeType: string; buffer: Buffer } {
  const [r, g, b] = randomBytes(3);
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    png.data[i * 4] = r!;
    png.data[i * 4 + 1] = g!;
    png.data[i * 4 + 2] = (b! + Math.floor(i / width)) % 256; // a gradient: a real picture, not one flat colour
    png.data[i * 4 + 3] = 255;
  }
  return { name: `headerproof-upload-${Date.now()}-${randomBytes(3).toString('hex')}.png`, mimeType: 'image/png', buffer: PNG.sync.write(png) };
}

// The lab's seeded library: a few photos (some with GPS) and one H.264 video, all committed under
// media/. Ids are stable so reports from two runs compare cleanly.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MEDIA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'media');

export interface LabAsset {
  id: string;
  type: 'IMAGE' | 'VIDEO';
  originalFileName: string;
  /** Base name of the files in media/ (<base>-thumbnail.webp, <base>-preview.jpg, ...). */
  base: string;
  fileCreatedAt: string;
  thumbhash: string;
  latitude?: number;
  longitude?: number;
  city?: string;
  country?: string;
  /** Uploaded through the API: its own files instead of media/<base>-*. */
  files?: { original: string; type: string; thumbnail?: string; preview?: string };
  /** SHA-1 of the original, as Immich dedupes uploads per user. */
  checksum?: string;
  deviceId?: string;
  deviceAssetId?: string;
}

export const LAB_ASSETS: LabAsset[] = [
  { id: '6a1d6c0e-0001-4c6e-9a11-000000000001', type: 'IMAGE', originalFileName: 'lake-sunrise.jpg', base: 'lake-sunrise', fileCreatedAt: '2024-07-14T05:42:00.000Z', thumbhash: 'HBkSHYSIeHiPiHh8eJd4eTN0EEQG', latitude: 46.4917, longitude: 9.8355, city: 'St. Moritz', country: 'Switzerland' },
  { id: '6a1d6c0e-0002-4c6e-9a11-000000000002', type: 'IMAGE', originalFileName: 'city-night.jpg', base: 'city-night', fileCreatedAt: '2024-06-02T21:10:00.000Z', thumbhash: 'GwgGBQAnh4iHh3iIiHd3eHiHgA', latitude: 52.52, longitude: 13.405, city: 'Berlin', country: 'Germany' },
  { id: '6a1d6c0e-0003-4c6e-9a11-000000000003', type: 'IMAGE', originalFileName: 'forest-path.jpg', base: 'forest-path', fileCreatedAt: '2024-05-19T10:03:00.000Z', thumbhash: 'IQgKDQJ4d3eIeHeHd4h4d3iAgA' },
  { id: '6a1d6c0e-0004-4c6e-9a11-000000000004', type: 'IMAGE', originalFileName: 'beach-dog.jpg', base: 'beach-dog', fileCreatedAt: '2024-04-08T15:30:00.000Z', thumbhash: 'HwgGDQJ3h4eHd3eIeIh3d4eAgA', latitude: 43.2965, longitude: 5.3698, city: 'Marseille', country: 'France' },
  { id: '6a1d6c0e-0005-4c6e-9a11-000000000005', type: 'IMAGE', originalFileName: 'mountain-hut.jpg', base: 'mountain-hut', fileCreatedAt: '2024-03-01T12:00:00.000Z', thumbhash: 'JwgKDQJ3h4eHd3eIeIh3d4eAgA' },
  { id: '6a1d6c0e-0006-4c6e-9a11-000000000006', type: 'VIDEO', originalFileName: 'clip-waves.mp4', base: 'clip-waves', fileCreatedAt: '2024-02-11T09:15:00.000Z', thumbhash: 'HAgKDQJ3h4eHd3eIeIh3d4eAgA' },
];

export const LAB_USER = { id: 'a0a0a0a0-0000-4000-8000-000000000001', email: 'admin@immich.lab', name: 'Lab Admin' };
/** The lab's own throwaway password (not a secret: the lab is a local fixture). */
export const LAB_PASSWORD = 'headerproof-lab';

export function mediaFile(asset: LabAsset, kind: 'thumbnail' | 'preview' | 'original' | 'video'): { file: string; type: string } {
  if (asset.files) {
    // The lab "generates" derivatives of an upload: a known sample's own, else the original itself.
    if (kind === 'thumbnail' && asset.files.thumbnail) return { file: asset.files.thumbnail, type: 'image/webp' };
    if (kind === 'preview' && asset.files.preview) return { file: asset.files.preview, type: 'image/jpeg' };
    return { file: asset.files.original, type: asset.files.type };
  }
  if (kind === 'thumbnail') return { file: path.join(MEDIA_DIR, `${asset.base}-thumbnail.webp`), type: 'image/webp' };
  if (kind === 'preview') return { file: path.join(MEDIA_DIR, `${asset.base}-preview.jpg`), type: 'image/jpeg' };
  if (asset.type === 'VIDEO') return { file: path.join(MEDIA_DIR, `${asset.base}.mp4`), type: 'video/mp4' };
  return { file: path.join(MEDIA_DIR, `${asset.base}-original.jpg`), type: 'image/jpeg' };
}

/** The API's asset shape (the fields the web app and the journeys read). */
export function assetDto(a: LabAsset) {
  return {
    id: a.id,
    type: a.type,
    originalFileName: a.originalFileName,
    deviceId: a.deviceId ?? 'lab',
    deviceAssetId: a.deviceAssetId ?? a.base,
    fileCreatedAt: a.fileCreatedAt,
    localDateTime: a.fileCreatedAt,
    thumbhash: a.thumbhash,
    isFavorite: false,
    isArchived: false,
    duration: a.type === 'VIDEO' ? '0:00:04.000000' : '0:00:00.00000',
    exifInfo: { latitude: a.latitude ?? null, longitude: a.longitude ?? null, city: a.city ?? null, country: a.country ?? null },
  };
}

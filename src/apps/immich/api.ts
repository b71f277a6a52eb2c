// Discovery through the Immich API (the same calls on the lab and on a real server), so journeys
// find an image, a video or GPS assets instead of relying on hard-coded ids; and the few things a
// journey creates (a shared link, an API key, an uploaded photo), which are deleted after the test.
import type { APIRequestContext } from '@playwright/test';
import { registerSecrets } from '../../observe/violation.js';
import { SEED_ALBUM } from './seed.js';

export interface AssetSummary {
  id: string;
  type: 'IMAGE' | 'VIDEO' | string;
  originalFileName: string;
  exifInfo?: { latitude?: number | null; longitude?: number | null } | null;
}

export interface AlbumSummary { id: string; albumName: string; assetCount: number }

export class ImmichApi {
  /** What this test created, deleted again by cleanup(). */
  private readonly created: { sharedLinks: string[]; apiKeys: string[]; assets: string[] } = { sharedLinks: [], apiKeys: [], assets: [] };

  constructor(private readonly request: APIRequestContext) {}

  private async json<T>(method: 'GET' | 'POST', path: string, data?: unknown): Promise<T> {
    const res = method === 'GET' ? await this.request.get(path) : await this.request.post(path, { data });
    if (!res.ok()) throw new Error(`${method} ${path} answered ${res.status()}`);
    return (await res.json()) as T;
  }

  /** The first asset of a type, or undefined when the library has none. */
  async findAsset(type: 'IMAGE' | 'VIDEO'): Promise<AssetSummary | undefined> {
    const result = await this.json<{ assets: { items: AssetSummary[] } }>('POST', '/api/search/metadata', { type, size: 10 });
    return result.assets.items.find((a) => a.type === type);
  }

  /** Assets whose file name is exactly this one (an upload the journey made). */
  async findByFileName(originalFileName: string): Promise<AssetSummary[]> {
    const result = await this.json<{ assets: { items: AssetSummary[] } }>('POST', '/api/search/metadata', { originalFileName });
    return result.assets.items.filter((a) => a.originalFileName === originalFileName);
  }

  /** The album `headerproof seed` made, else the first album that holds anything. */
  async sampleAlbum(): Promise<AlbumSummary | undefined> {
    const albums = (await this.json<AlbumSummary[]>('GET', '/api/albums')).filter((a) => a.assetCount > 0);
    return albums.find((a) => a.albumName === SEED_ALBUM) ?? albums[0];
  }

  /** An album's assets with their EXIF (GPS), as a visitor of its shared link will see them. */
  async albumAssets(albumId: string): Promise<AssetSummary[]> {
    const result = await this.json<{ assets: { items: AssetSummary[] } }>('POST', '/api/search/metadata', { albumIds: [albumId], withExif: true, size: 100 });
    return result.assets.items;
  }

  /** A public link to the album (metadata shown, so the viewer's detail panel has its map). */
  async createSharedLink(albumId: string): Promise<{ id: string; key: string }> {
    const link = await this.json<{ id: string; key: string }>('POST', '/api/shared-links', { type: 'ALBUM', albumId, showMetadata: true, allowDownload: true });
    registerSecrets([link.key]); // the key is the link's password: masked in every report
    this.created.sharedLinks.push(link.id);
    return link;
  }

  /** An API key for the test user, as the mobile app or the CLI holds one. */
  async createApiKey(): Promise<string> {
    const created = await this.json<{ secret: string; apiKey: { id: string } }>('POST', '/api/api-keys', { name: 'headerproof api-clients journey', permissions: ['all'] });
    registerSecrets([created.secret]);
    this.created.apiKeys.push(created.apiKey.id);
    return created.secret;
  }

  /** An asset the journey uploaded: deleted for good (not to the trash) after the test. */
  deleteAfterTest(assetId: string): void {
    this.created.assets.push(assetId);
  }

  /** Deletes what this test created; every deletion is tried, the first failure is reported. */
  async cleanup(): Promise<void> {
    const { sharedLinks, apiKeys, assets } = this.created;
    const calls = [
      ...sharedLinks.map((id) => () => this.request.delete(`/api/shared-links/${id}`)),
      ...apiKeys.map((id) => () => this.request.delete(`/api/api-keys/${id}`)),
      ...(assets.length ? [() => this.request.delete('/api/assets', { data: { ids: assets, force: true } })] : []),
    ];
    this.created.sharedLinks = [];
    this.created.apiKeys = [];
    this.created.assets = [];
    const failures: string[] = [];
    for (const call of calls) {
      const res = await call().catch((err: Error) => err);
      if (res instanceof Error) failures.push(res.message);
      else if (!res.ok()) failures.push(`${res.url().replace(/^https?:\/\/[^/]+/, '')} answered ${res.status()}`);
    }
    if (failures.length) throw new Error(`cleaning up after the journey failed: ${failures.join('; ')}`);
  }

  /** Whether the logged-in user finished onboarding (a user who has not lands on /auth/onboarding after login). */
  async isOnboarded(): Promise<boolean> {
    return (await this.json<{ isOnboarded: boolean }>('GET', '/api/users/me/onboarding')).isOnboarded;
  }

  async mapMarkers(): Promise<{ id: string; lat: number; lon: number }[]> {
    return this.json('GET', '/api/map/markers');
  }

  async features(): Promise<{ map?: boolean }> {
    return this.json('GET', '/api/server/features');
  }

  async serverConfig(): Promise<{ mapLightStyleUrl?: string; mapDarkStyleUrl?: string }> {
    return this.json('GET', '/api/server/config');
  }
}

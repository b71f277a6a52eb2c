// Discovery through the Immich API (the same calls on the lab and on a real server), so journeys
// find an image, a video or GPS assets instead of relying on hard-coded ids.
import type { APIRequestContext } from '@playwright/test';

export interface AssetSummary {
  id: string;
  type: 'IMAGE' | 'VIDEO' | string;
  originalFileName: string;
}

export class ImmichApi {
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

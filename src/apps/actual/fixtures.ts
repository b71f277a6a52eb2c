// Actual's fixtures on top of headerproof's: its server API as the logged-in user (the budget files
// it holds), and deleting the budget files a journey created.
import { test as base, expect } from '../../harness/fixtures.js';
import type { APIRequestContext } from '@playwright/test';

export interface BudgetFile { fileId: string; name: string; deleted?: number }

export class ActualApi {
  private before?: Set<string>;
  constructor(private readonly request: APIRequestContext) {}

  async files(): Promise<BudgetFile[]> {
    const res = await this.request.get('/sync/list-user-files');
    const body = (await res.json().catch(() => ({}))) as { status?: string; data?: BudgetFile[] };
    if (!res.ok() || body.status !== 'ok') throw new Error(`GET /sync/list-user-files answered ${res.status()}`);
    return (body.data ?? []).filter((f) => !f.deleted);
  }

  /** Remembers the files there now: the ones a journey adds are deleted after it. */
  async keep(): Promise<BudgetFile[]> {
    const files = await this.files();
    this.before ??= new Set(files.map((f) => f.fileId));
    return files;
  }

  async cleanup(): Promise<void> {
    if (!this.before) return;
    const added = (await this.files().catch(() => [])).filter((f) => !this.before!.has(f.fileId));
    for (const f of added) await this.request.post('/sync/delete-user-file', { data: { fileId: f.fileId } }).catch(() => undefined);
  }
}

export const test = base.extend<{ actual: ActualApi }>({
  actual: async ({ session }, use) => {
    const api = new ActualApi(session.request);
    await use(api);
    await api.cleanup();
  },
});

export { expect };

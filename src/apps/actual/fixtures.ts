// Actual's fixtures on top of headerproof's: its server API as the logged-in user (the budget files
// it holds), and deleting the budget files a journey created.
import { test as base, expect } from '../../harness/fixtures.js';
import type { APIRequestContext } from '@playwright/test';
import { lockTarget } from '../../harness/target-lock.js';

export interface BudgetFile { fileId: string; name: string; deleted?: number }

export class ActualApi {
  private before?: Set<string>;
  private release?: () => void;
  constructor(private readonly request: APIRequestContext, private readonly targetUrl: string) {}

  async files(): Promise<BudgetFile[]> {
    const res = await this.request.get('/sync/list-user-files');
    const body = (await res.json().catch(() => ({}))) as { status?: string; data?: BudgetFile[] };
    if (!res.ok() || body.status !== 'ok') throw new Error(`GET /sync/list-user-files answered ${res.status()}`);
    return (body.data ?? []).filter((f) => !f.deleted);
  }

  /**
   * Remembers the files there now: the ones a journey adds are deleted after it. Journeys that add
   * files take turns on one target (its workers and engines share a staging host), so none sees or
   * deletes another's budget.
   */
  async keep(): Promise<BudgetFile[]> {
    this.release ??= await lockTarget(this.targetUrl, 'actual-budget-files');
    const files = await this.files();
    this.before ??= new Set(files.map((f) => f.fileId));
    return files;
  }

  async cleanup(): Promise<void> {
    try {
      if (!this.before) return;
      const added = (await this.files().catch(() => [])).filter((f) => !this.before!.has(f.fileId));
      for (const f of added) await this.request.post('/sync/delete-user-file', { data: { fileId: f.fileId } }).catch(() => undefined);
    } finally {
      this.release?.();
    }
  }
}

export const test = base.extend<{ actual: ActualApi }>({
  actual: async ({ session, target }, use) => {
    const api = new ActualApi(session.request, target.url);
    await use(api);
    await api.cleanup();
  },
});

export { expect };

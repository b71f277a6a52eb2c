// Node-RED's fixtures on top of headerproof's: its admin API as the logged-in user, for what a
// journey needs before its page opens (a flow deployed), and putting the flows back afterwards.
import { test as base, expect } from '../../harness/fixtures.js';
import type { APIRequestContext } from '@playwright/test';
import { lockTarget } from '../../harness/target-lock.js';

export interface FlowNode { id: string; type: string; z?: string; [k: string]: unknown }

export class NodeRedApi {
  private saved?: FlowNode[];
  private release?: () => void;
  constructor(private readonly request: APIRequestContext, private readonly targetUrl: string) {}

  /**
   * A full deploy replaces every flow: journeys that deploy take turns on one target (its workers and
   * engines share a staging host), so none overwrites another's flow mid-journey.
   */
  private async turn(): Promise<void> {
    this.release ??= await lockTarget(this.targetUrl, 'node-red-flows');
  }

  async flows(): Promise<FlowNode[]> {
    const res = await this.request.get('/flows', { headers: { 'node-red-api-version': 'v1' } });
    if (!res.ok()) throw new Error(`GET /flows answered ${res.status()}`);
    return (await res.json()) as FlowNode[];
  }

  /** Deploys these flows (full deploy); the flows from before are put back after the journey. */
  async deploy(flows: FlowNode[]): Promise<void> {
    await this.turn();
    this.saved ??= await this.flows();
    const res = await this.request.post('/flows', { headers: { 'node-red-api-version': 'v1', 'node-red-deployment-type': 'full' }, data: flows });
    if (!res.ok()) throw new Error(`POST /flows answered ${res.status()}: ${await res.text()}`);
  }

  /** Remembers the flows now, to put them back after a journey that deploys from the editor. */
  async keep(): Promise<void> {
    await this.turn();
    this.saved ??= await this.flows();
  }

  async restore(): Promise<void> {
    try {
      if (!this.saved) return;
      await this.request.post('/flows', { headers: { 'node-red-api-version': 'v1', 'node-red-deployment-type': 'full' }, data: this.saved }).catch(() => undefined);
    } finally {
      this.release?.();
    }
  }
}

export const test = base.extend<{ nodeRed: NodeRedApi }>({
  nodeRed: async ({ session, target }, use) => {
    const api = new NodeRedApi(session.request, target.url);
    await use(api);
    await api.restore();
  },
});

export { expect };

/** The editor's palette and workspace have rendered (the editor booted and loaded its nodes). */
export const PALETTE_NODE = '#red-ui-palette .red-ui-palette-node';

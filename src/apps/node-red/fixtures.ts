// Node-RED's fixtures on top of headerproof's: its admin API as the logged-in user, for what a
// journey needs before its page opens (a flow deployed), and putting the flows back afterwards.
import { test as base, expect } from '../../harness/fixtures.js';
import type { APIRequestContext } from '@playwright/test';

export interface FlowNode { id: string; type: string; z?: string; [k: string]: unknown }

export class NodeRedApi {
  private saved?: FlowNode[];
  constructor(private readonly request: APIRequestContext) {}

  async flows(): Promise<FlowNode[]> {
    const res = await this.request.get('/flows', { headers: { 'node-red-api-version': 'v1' } });
    if (!res.ok()) throw new Error(`GET /flows answered ${res.status()}`);
    return (await res.json()) as FlowNode[];
  }

  /** Deploys these flows (full deploy); the flows from before are put back after the journey. */
  async deploy(flows: FlowNode[]): Promise<void> {
    this.saved ??= await this.flows();
    const res = await this.request.post('/flows', { headers: { 'node-red-api-version': 'v1', 'node-red-deployment-type': 'full' }, data: flows });
    if (!res.ok()) throw new Error(`POST /flows answered ${res.status()}: ${await res.text()}`);
  }

  /** Remembers the flows now, to put them back after a journey that deploys from the editor. */
  async keep(): Promise<void> {
    this.saved ??= await this.flows();
  }

  async restore(): Promise<void> {
    if (!this.saved) return;
    await this.request.post('/flows', { headers: { 'node-red-api-version': 'v1', 'node-red-deployment-type': 'full' }, data: this.saved }).catch(() => undefined);
  }
}

export const test = base.extend<{ nodeRed: NodeRedApi }>({
  nodeRed: async ({ session }, use) => {
    const api = new NodeRedApi(session.request);
    await use(api);
    await api.restore();
  },
});

export { expect };

/** The editor's palette and workspace have rendered (the editor booted and loaded its nodes). */
export const PALETTE_NODE = '#red-ui-palette .red-ui-palette-node';

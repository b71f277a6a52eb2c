// Group commit: reports from many requests are written in one transaction, and each request is
// answered only after its reports are committed, so an accepted report is never lost. The queue of
// reports waiting for a commit is bounded: past it, requests are refused (503) instead of piling up.
import type { IngestResult } from './ingest.js';
import type { CounterName, ReportStore } from './store.js';

interface Waiting { result: IngestResult; done: (err?: Error) => void }

export class BatchWriter {
  private queue: Waiting[] = [];
  private queued = 0;
  private writing = false;
  readonly totals = { stored: 0, overflow: 0, batches: 0 };

  constructor(private readonly store: ReportStore, private readonly maxQueued = 20_000) {}

  /** Resolves once committed; false when the queue is full (the caller answers 503). */
  submit(result: IngestResult): Promise<void> | false {
    const size = result.entries.length + 1;
    if (this.queued + size > this.maxQueued) return false;
    this.queued += size;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ result, done: (err) => (err ? reject(err) : resolve()) });
      if (!this.writing) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    if (this.writing || !this.queue.length) return;
    this.writing = true;
    const batch = this.queue;
    this.queue = [];
    this.queued = 0;
    const dropped: Partial<Record<CounterName, number>> = {};
    for (const w of batch) for (const [k, n] of Object.entries(w.result.dropped)) dropped[k as CounterName] = (dropped[k as CounterName] ?? 0) + n;
    try {
      const r = await this.store.record(batch.flatMap((w) => w.result.entries), dropped, Date.now());
      this.totals.stored += r.stored;
      this.totals.overflow += r.overflow;
      this.totals.batches++;
      for (const w of batch) w.done();
    } catch (err) {
      for (const w of batch) w.done(err as Error);
    } finally {
      this.writing = false;
      if (this.queue.length) setImmediate(() => void this.flush());
    }
  }

  /** Waits for everything submitted so far to be committed. */
  async drain(): Promise<void> {
    while (this.writing || this.queue.length) await new Promise((r) => setTimeout(r, 5));
  }
}

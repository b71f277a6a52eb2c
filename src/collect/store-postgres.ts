// The report store on PostgreSQL (pg), for several collectors behind one edge: the same tables as
// SQLite; upserts make concurrent collectors add up instead of overwriting each other.
import pg from 'pg';
import { assemble, day, fold, schema, SQL, StoreError, type CounterName, type ReportStore, type StoreContents } from './store-schema.js';
import type { ReportEntry } from './ingest.js';

/** "?" placeholders → "$1, $2, …". */
const numbered = (sql: string) => {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
};

export class PostgresStore implements ReportStore {
  private constructor(private readonly pool: pg.Pool, private readonly maxGroups: number) {}

  static async open(url: string, maxGroups: number): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    pool.on('error', () => undefined); // an idle client's lost connection is retried on next use
    try {
      for (const statement of schema('BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY')) await pool.query(statement);
    } catch (err) {
      await pool.end().catch(() => undefined);
      const where = url.replace(/\/\/[^@/]*@/, '//');
      throw new StoreError(`${where}: cannot use this PostgreSQL database (${(err as Error).message})`);
    }
    return new PostgresStore(pool, maxGroups);
  }

  async record(entries: ReportEntry[], dropped: Partial<Record<CounterName, number>>, now: number): Promise<{ stored: number; overflow: number }> {
    // A deadlock or serialization failure between collectors is retried; the batch is all or nothing.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.recordOnce(entries, dropped, now);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (attempt >= 3 || (code !== '40P01' && code !== '40001')) throw err;
      }
    }
  }

  /** Runs `work` in one transaction on one pooled connection; rolled back if it throws. */
  private async transaction<T>(begin: string, work: (q: (sql: string, params?: unknown[]) => Promise<pg.QueryResult>) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(begin);
      const result = await work((sql, params = []) => client.query(numbered(sql), params));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private recordOnce(entries: ReportEntry[], dropped: Partial<Record<CounterName, number>>, now: number): Promise<{ stored: number; overflow: number }> {
    const today = day(now);
    return this.transaction('BEGIN', async (q) => {
      // Several collectors share the table: the cap is checked against what the database holds.
      let groupCount = Number((await q(SQL.countGroups)).rows[0].n);
      let stored = 0;
      let overflow = 0;
      for (const g of fold(entries)) {
        let id = (await q(SQL.findGroup, [g.key])).rows[0]?.id as string | undefined;
        if (id !== undefined) await q(SQL.bumpGroup, [g.count, now, now, id]);
        else if (groupCount < this.maxGroups) {
          const e = g.entry;
          id = (await q(SQL.insertGroup, [g.key, e.kind, e.directive, e.blocked, e.document, e.source, e.disposition, e.sample, now, now, g.count])).rows[0].id;
          groupCount++;
        } else {
          overflow += g.count;
          continue;
        }
        for (const [family, n] of g.browsers) await q(SQL.bumpBrowser, [id, family, n]);
        await q(SQL.bumpDay, [id, today, g.count]);
        stored += g.count;
      }
      for (const [name, n] of Object.entries({ ...dropped, overflow: (dropped.overflow ?? 0) + overflow }).sort()) if (n) await q(SQL.bumpCounter, [name, today, n]);
      return { stored, overflow };
    });
  }

  contents(): Promise<StoreContents> {
    return this.transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (q) => assemble(
      (await q(SQL.allGroups)).rows, (await q(SQL.allBrowsers)).rows, (await q(SQL.allDays)).rows, (await q(SQL.allCounters)).rows));
  }

  prune(before: number): Promise<number> {
    return this.transaction('BEGIN', async (q) => {
      const deleted = (await q(SQL.pruneGroups, [before])).rowCount ?? 0;
      await q(SQL.pruneOrphanBrowsers);
      await q(SQL.pruneDays, [day(before)]);
      await q(SQL.pruneCounters, [day(before)]);
      return deleted;
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

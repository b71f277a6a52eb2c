// The report store on SQLite (better-sqlite3). Write-ahead log with synchronous=NORMAL: a committed
// batch survives the collector being killed (kill -9); only a power cut may lose the last commits.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { assemble, day, fold, schema, SQL, StoreError, type CounterName, type ReportStore, type StoreContents } from './store-schema.js';
import type { ReportEntry } from './ingest.js';

export class SqliteStore implements ReportStore {
  private groupCount: number;

  private constructor(private readonly db: Database.Database, private readonly maxGroups: number) {
    this.groupCount = Number((db.prepare(SQL.countGroups).get() as { n: number }).n);
  }

  static open(file: string, maxGroups: number, readOnly: boolean): SqliteStore {
    if (readOnly && !existsSync(file)) throw new StoreError(`${file}: no such report database (start "headerproof collect --db ${file}" first)`);
    let db: Database.Database;
    try {
      db = new Database(file, { readonly: readOnly, fileMustExist: readOnly });
      if (!readOnly) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        for (const statement of schema('INTEGER PRIMARY KEY')) db.exec(statement);
      }
      db.prepare('SELECT 1 FROM report_groups LIMIT 1').get();
    } catch (err) {
      throw new StoreError(`${file}: not a headerproof report database (${(err as Error).message})`);
    }
    return new SqliteStore(db, maxGroups);
  }

  async record(entries: ReportEntry[], dropped: Partial<Record<CounterName, number>>, now: number): Promise<{ stored: number; overflow: number }> {
    const today = day(now);
    const find = this.db.prepare(SQL.findGroup);
    const bump = this.db.prepare(SQL.bumpGroup);
    const insert = this.db.prepare(SQL.insertGroup);
    const browser = this.db.prepare(SQL.bumpBrowser);
    const dayCount = this.db.prepare(SQL.bumpDay);
    const counter = this.db.prepare(SQL.bumpCounter);
    const write = this.db.transaction(() => {
      let stored = 0;
      let overflow = 0;
      for (const g of fold(entries)) {
        let id = (find.get(g.key) as { id: number } | undefined)?.id;
        if (id !== undefined) bump.run(g.count, now, now, id);
        else if (this.groupCount < this.maxGroups) {
          const e = g.entry;
          id = (insert.get(g.key, e.kind, e.directive, e.blocked, e.document, e.source, e.disposition, e.sample, now, now, g.count) as { id: number }).id;
          this.groupCount++;
        } else {
          overflow += g.count;
          continue;
        }
        for (const [family, n] of g.browsers) browser.run(id, family, n);
        dayCount.run(id, today, g.count);
        stored += g.count;
      }
      for (const [name, n] of Object.entries({ ...dropped, overflow: (dropped.overflow ?? 0) + overflow }).sort()) if (n) counter.run(name, today, n);
      return { stored, overflow };
    });
    return write();
  }

  async contents(): Promise<StoreContents> {
    const read = this.db.transaction(() => assemble(
      this.db.prepare(SQL.allGroups).all() as never, this.db.prepare(SQL.allBrowsers).all() as never,
      this.db.prepare(SQL.allDays).all() as never, this.db.prepare(SQL.allCounters).all() as never));
    return read();
  }

  async prune(before: number): Promise<number> {
    const prune = this.db.transaction(() => {
      const deleted = this.db.prepare(SQL.pruneGroups).run(before).changes;
      this.db.prepare(SQL.pruneOrphanBrowsers).run();
      this.db.prepare(SQL.pruneDays).run(day(before));
      this.db.prepare(SQL.pruneCounters).run(day(before));
      return deleted;
    });
    const deleted = prune();
    this.groupCount = Number((this.db.prepare(SQL.countGroups).get() as { n: number }).n);
    return deleted;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

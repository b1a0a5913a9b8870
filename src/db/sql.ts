import type { Database, SqlValue } from 'sql.js';

export type Params = SqlValue[] | Record<string, SqlValue>;
export type Row = Record<string, SqlValue>;

/** Thin helpers over a sql.js database: parameterized statements only, rows as plain objects. */
export class Sql {
  constructor(readonly db: Database) {}

  all<T>(sql: string, params: Params = [], map: (row: Row) => T = (r) => r as T): T[] {
    const stmt = this.db.prepare(sql);
    try {
      stmt.bind(params);
      const out: T[] = [];
      while (stmt.step()) out.push(map(stmt.getAsObject()));
      return out;
    } finally {
      stmt.free();
    }
  }

  one<T>(sql: string, params: Params = [], map: (row: Row) => T = (r) => r as T): T | undefined {
    return this.all(sql, params, map)[0];
  }

  value(sql: string, params: Params = []): SqlValue | undefined {
    const row = this.one(sql, params);
    return row ? Object.values(row)[0] : undefined;
  }

  run(sql: string, params: Params = []): void {
    this.db.run(sql, params);
  }

  /** Runs `sql` and returns the new row id. */
  insert(sql: string, params: Params = []): number {
    this.db.run(sql, params);
    return Number(this.value('SELECT last_insert_rowid()'));
  }

  changes(): number {
    return this.db.getRowsModified();
  }

  /** Runs `fn` in one transaction; rolls back if it throws. Nested calls join the outer transaction. */
  transaction<T>(fn: () => T): T {
    if (this.#depth > 0) return fn();
    this.db.run('BEGIN');
    this.#depth += 1;
    try {
      const result = fn();
      this.db.run('COMMIT');
      return result;
    } catch (err) {
      this.db.run('ROLLBACK');
      throw err;
    } finally {
      this.#depth -= 1;
    }
  }

  #depth = 0;
}

export const bool = (v: SqlValue | undefined): boolean | null =>
  v === null || v === undefined ? null : Number(v) !== 0;
export const num = (v: SqlValue | undefined): number | null => (v === null || v === undefined ? null : Number(v));
export const str = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));

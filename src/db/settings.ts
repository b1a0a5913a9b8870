import type { Sql } from './sql';

export function getSetting<T>(sql: Sql, key: string, fallback: T): T {
  const raw = sql.value('SELECT value FROM settings WHERE key = ?', [key]);
  if (raw === undefined || raw === null) return fallback;
  try {
    return JSON.parse(String(raw)) as T;
  } catch {
    // A value this version cannot read: fall back rather than break the app.
    return fallback;
  }
}

export function setSetting(sql: Sql, key: string, value: unknown): void {
  sql.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
    key,
    JSON.stringify(value),
  ]);
}

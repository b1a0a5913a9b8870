import { settingsRegistry, validSetting, type CatalogSettingKey, type SettingValue } from '../lib/settings';
import type { Sql } from './sql';

const registered = (key: string): key is CatalogSettingKey => Object.hasOwn(settingsRegistry, key);

function stored(sql: Sql, key: string): unknown {
  const raw = sql.value('SELECT value FROM settings WHERE key = ?', [key]);
  if (raw === undefined || raw === null) return undefined;
  try {
    return JSON.parse(String(raw));
  } catch {
    // A value this version cannot read: the setting falls back to its default rather than break the app.
    return undefined;
  }
}

/**
 * A setting as the registry (lib/settings.ts) allows it: a value out of bounds is clamped, a missing or unreadable
 * one is the default. A key outside the registry (tests use some to fatten the catalog) comes back as stored.
 */
export function getSetting<K extends CatalogSettingKey>(sql: Sql, key: K): SettingValue<K> {
  const value = stored(sql, key);
  return registered(key) ? validSetting(key, value) : (value as SettingValue<K>);
}

/** Saves a setting, clamped to the registry's bounds. */
export function setSetting<K extends CatalogSettingKey>(sql: Sql, key: K, value: SettingValue<K>): void {
  sql.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
    key,
    JSON.stringify(registered(key) ? validSetting(key, value) : value),
  ]);
}

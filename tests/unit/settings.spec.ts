import { describe, expect, it } from 'vitest';
import {
  numberFields,
  readSettings,
  saveSettings,
  settingDefault,
  settingsRegistry,
  shownValue,
  storedValue,
  validSetting,
} from '../../src/lib/settings';
import { freshCatalog } from './helpers';

describe('the settings registry', () => {
  it('clamps numbers to their bounds, rounds whole-number fields and keeps good values', () => {
    expect(
      validSetting('sampling', { keyframeInterval: 0.01, maxKeyframes: 12.6, maxDuration: 1e9, frameBatchSize: 8 }),
    ).toEqual({ keyframeInterval: 0.1, maxKeyframes: 13, maxDuration: 48 * 3600, frameBatchSize: 8 });
    expect(validSetting('search', { similarityThreshold: 0.9, minMatches: 0 })).toEqual({
      similarityThreshold: 0.9,
      minMatches: 1,
    });
  });

  it('gives the default for anything unreadable, field by field, and drops fields it does not know', () => {
    const defaults = settingDefault('sampling');
    expect(validSetting('sampling', 'garbage')).toEqual(defaults);
    expect(validSetting('sampling', null)).toEqual(defaults);
    expect(validSetting('sampling', { keyframeInterval: '2', maxKeyframes: NaN, frameInterval: 3 })).toEqual(defaults);
    expect(validSetting('embeddings', { activeFolder: 7, interval: 10 })).toEqual({ activeFolder: null, interval: 10 });
    expect(validSetting('jobsPaused', 'yes')).toBe(false);
    expect(validSetting('theme', 'dark')).toBe('dark');
    expect(validSetting('theme', 'purple')).toBe('system');
  });

  it('has defaults inside their own bounds', () => {
    for (const key of ['sampling', 'search', 'embeddings'] as const)
      for (const { name, field } of numberFields(key)) {
        expect(field.default, `${key}.${name}`).toBeGreaterThanOrEqual(field.min);
        expect(field.default, `${key}.${name}`).toBeLessThanOrEqual(field.max);
      }
  });

  it('shows numbers in the unit the panel uses and reads them back', () => {
    const { maxDuration } = settingsRegistry.sampling;
    const { similarityThreshold } = settingsRegistry.search;
    expect(shownValue(maxDuration, 4 * 3600)).toBe(240);
    expect(storedValue(maxDuration, 30)).toBe(1800);
    expect(shownValue(similarityThreshold, 0.8)).toBe(80);
    expect(storedValue(similarityThreshold, 85)).toBeCloseTo(0.85);
    expect(shownValue(settingsRegistry.sampling.keyframeInterval, 0.30000000000000004)).toBe(0.3);
    expect(numberFields('search').map((f) => f.name)).toEqual(['similarityThreshold', 'minMatches']);
  });
});

describe('settings in the catalog', () => {
  it('are read back valid: a bad stored value falls back to the default, an out-of-bounds one is clamped', async () => {
    const { catalog } = await freshCatalog();
    catalog.sql.run(`INSERT INTO settings (key, value) VALUES ('search', '{"similarityThreshold": 5}')`);
    catalog.sql.run(`INSERT INTO settings (key, value) VALUES ('jobsPaused', 'not json')`);
    expect(catalog.getSetting('search')).toEqual({ similarityThreshold: 0.98, minMatches: 3 });
    expect(catalog.getSetting('jobsPaused')).toBe(false);
    expect(catalog.getSetting('sampling')).toEqual(settingDefault('sampling'));
  });

  it('are saved within bounds', async () => {
    const { catalog } = await freshCatalog();
    catalog.setSetting('embeddings', { activeFolder: 'clip', interval: 100_000 });
    const raw = catalog.sql.value(`SELECT value FROM settings WHERE key = 'embeddings'`);
    expect(JSON.parse(String(raw))).toEqual({ activeFolder: 'clip', interval: 600 });
  });

  it('reach the page typed through an asynchronous store, as through the catalog worker', async () => {
    const { catalog } = await freshCatalog();
    const db = {
      getSetting: async (key: Parameters<typeof catalog.getSetting>[0]) => catalog.getSetting(key),
      setSetting: async (...args: Parameters<typeof catalog.setSetting>) => catalog.setSetting(...args),
    };
    await saveSettings(db, 'sampling', { ...settingDefault('sampling'), keyframeInterval: 2 });
    const sampling = await readSettings(db, 'sampling');
    expect(sampling.keyframeInterval).toBe(2);
    expect(await readSettings(db, 'jobsPaused')).toBe(false);
  });
});

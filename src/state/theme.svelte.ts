import { settingDefault, validSetting, type SettingValue } from '../lib/settings';

export type Theme = SettingValue<'theme'>;

const storageKey = 'framefinder-theme';

function stored(): Theme {
  try {
    return validSetting('theme', localStorage.getItem(storageKey));
  } catch {
    // Storage refused (a locked-down profile): follow the system.
    return settingDefault('theme');
  }
}

/** `data-theme` on <html> picks the palette in app.css; without it the system's preference does. */
function apply(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

/**
 * Light, dark, or as the system says. Kept in localStorage, not the catalog: it must apply before the catalog
 * opens, so the first paint is already in the right colours. Other tabs follow a change.
 */
class ThemeState {
  theme = $state<Theme>(settingDefault('theme'));

  constructor() {
    if (typeof document === 'undefined') return;
    this.theme = stored();
    apply(this.theme);
    addEventListener('storage', (e: StorageEvent) => {
      if (e.key !== storageKey) return;
      this.theme = stored();
      apply(this.theme);
    });
  }

  set(theme: Theme): void {
    this.theme = theme;
    apply(theme);
    try {
      localStorage.setItem(storageKey, theme);
    } catch {
      // Not kept (storage refused); it still applies to this visit.
    }
  }
}

export const theme = new ThemeState();

/**
 * Every setting Framefinder keeps, by key: its type, default and bounds, and the label and help the Settings panel
 * shows. The catalog validates each value against this on read and write (a bad stored value falls back to its
 * default), the panel renders its fields from it, and the pipeline reads it with `readSettings`.
 */

/** A number the user types. The panel shows `value / scale` in `unit` (seconds stored, minutes shown: scale 60). */
export interface NumberField {
  kind: 'number';
  default: number;
  min: number;
  max: number;
  /** Whole numbers only. */
  integer?: boolean;
  /** The step of the shown value. */
  step: number;
  scale?: number;
  unit?: string;
  label: string;
  help: string;
}

export interface BooleanField {
  kind: 'boolean';
  default: boolean;
  label: string;
  help: string;
}

export interface ChoiceField<C extends string = string> {
  kind: 'choice';
  default: C;
  /** Each choice and how the panel names it. */
  choices: { readonly [value in C]: string };
  label: string;
  help: string;
}

/** Free text, or null for none. */
export interface TextField {
  kind: 'text';
  default: string | null;
  label: string;
  help: string;
}

export type Field = NumberField | BooleanField | ChoiceField | TextField;
/** Several fields stored together under one key, as one JSON object. */
export type FieldGroup = Record<string, Field>;

const number = (f: Omit<NumberField, 'kind'>): NumberField => ({ kind: 'number', ...f });
const choice = <const C extends string>(f: Omit<ChoiceField<C>, 'kind' | 'default'> & { default: NoInfer<C> }) =>
  ({ kind: 'choice', ...f }) satisfies ChoiceField<C>;

export const settingsRegistry = {
  /** How videos are sampled for search; applies to videos indexed from then on. */
  sampling: {
    /**
     * A quarter second between samples: a screenshot taken anywhere is then at most an eighth of a second from a
     * sampled frame. Half a second (and 1 s before it) missed whole steps of pictures that change every half second
     * (slides, 2 fps animations) and the end of fast zooms before a cut: on the real-world fixtures recall@1 rose
     * from 94% to 100% in four classes. The extra frames cost little, as decoding dominates and near-identical
     * neighbours are pruned from the index.
     */
    keyframeInterval: number({
      default: 0.25,
      min: 0.1,
      max: 60,
      step: 0.1,
      unit: 'seconds',
      label: 'Keyframe interval',
      help: 'A frame is sampled this often, besides key frames and scene cuts. Shorter finds screenshots more exactly.',
    }),
    maxKeyframes: number({
      default: 2000,
      min: 1,
      max: 100_000,
      integer: true,
      step: 1,
      label: 'Max keyframes per video',
      help: 'At most this many frames of a video are sampled for search; longer videos are sampled more thinly.',
    }),
    maxDuration: number({
      default: 4 * 3600,
      min: 60,
      max: 48 * 3600,
      step: 1,
      scale: 60,
      unit: 'minutes',
      label: 'Max duration processed',
      help: 'Only the beginning of a longer video is sampled for search.',
    }),
    frameBatchSize: number({
      default: 32,
      min: 1,
      max: 256,
      integer: true,
      step: 1,
      label: 'Frame batch size',
      help: 'Frames decoded and handed on together; larger batches use more memory.',
    }),
  },
  /**
   * Search by image or clip; applies to the next search. Measured on the search fixtures (tests/fixtures/search, 288
   * transformed screenshots at random times and 96 from videos outside the library, `.bench` quality runs): a copy
   * of a frame sampled within half a second scores 0.85–0.98; a frame between two samples of fast footage,
   * re-encoded or captioned, drops to 0.72–0.80; unrelated frames score 0.69 on average and up to 0.80 at worst. No
   * single threshold separates the middle band, so a weaker match counts only when it clearly stands out from every
   * other video (see `acceptImageResults`).
   */
  search: {
    similarityThreshold: number({
      default: 0.8,
      min: 0.7,
      max: 0.98,
      step: 1,
      scale: 0.01,
      unit: '%',
      label: 'Similarity threshold',
      help: 'A video matches for sure when one of its frames is at least this alike to the picture searched for.',
    }),
    minMatches: number({
      default: 3,
      min: 1,
      max: 50,
      integer: true,
      step: 1,
      unit: 'frames aligned',
      label: 'Min matches',
      help: 'A clip, or a duplicate, needs at least this many frames lined up in time.',
    }),
  },
  /** Search by words. */
  embeddings: {
    activeFolder: {
      kind: 'text',
      default: null,
      label: 'Word search model',
      help: 'The model folder word search uses, or none.',
    },
    interval: number({
      default: 5,
      min: 1,
      max: 600,
      step: 1,
      unit: 'seconds',
      label: 'Embedding interval',
      help: "Each scene's frame is embedded, plus one frame every this many seconds.",
    }),
  },
  /** Speech to text: the speech model in use and the language it listens for. */
  speech: {
    activeFolder: {
      kind: 'text',
      default: null,
      label: 'Speech model',
      help: 'The model folder speech to text uses, or none.',
    },
    language: {
      kind: 'text',
      default: null,
      label: 'Spoken language',
      help: 'The language videos are transcribed in (a Whisper language code); none: detected in each video.',
    },
  },
  jobsPaused: {
    kind: 'boolean',
    default: false,
    label: 'Processing paused',
    help: 'Jobs wait until processing is resumed, also after a reload.',
  },
  /** Kept in localStorage, not the catalog: it must apply before the catalog opens (see state/theme.svelte.ts). */
  theme: choice({
    default: 'system',
    choices: { system: 'As the system', light: 'Light', dark: 'Dark' },
    label: 'Theme',
    help: 'Light, dark, or as the system says.',
  }),
} as const satisfies Record<string, Field | FieldGroup>;

type Registry = typeof settingsRegistry;
export type SettingKey = keyof Registry;
/** The settings kept in the catalog (the theme lives in the browser's localStorage). */
export type CatalogSettingKey = Exclude<SettingKey, 'theme'>;

export type FieldValue<F> = F extends NumberField
  ? number
  : F extends BooleanField
    ? boolean
    : F extends ChoiceField<infer C>
      ? C
      : F extends TextField
        ? string | null
        : never;
type EntryValue<E> = E extends Field ? FieldValue<E> : { [P in keyof E]: FieldValue<E[P]> };
/** The value of a setting: `SettingValue<'sampling'>` is `{ keyframeInterval: number; … }`. */
export type SettingValue<K extends SettingKey> = EntryValue<Registry[K]>;
/** The names of a group's fields, e.g. `GroupField<'search'>` is `'similarityThreshold' | 'minMatches'`. */
export type GroupField<K extends SettingKey> = Registry[K] extends Field ? never : keyof Registry[K] & string;

const isField = (entry: Field | FieldGroup): entry is Field => typeof entry.kind === 'string';

/** `raw` as a valid value of `field`: numbers clamped (and rounded when whole), anything unreadable its default. */
export const validField = <F extends Field>(field: F, raw: unknown) => checked(field, raw) as FieldValue<F>;

function checked(field: Field, raw: unknown): unknown {
  switch (field.kind) {
    case 'number': {
      if (typeof raw !== 'number' || !Number.isFinite(raw)) return field.default;
      const value = Math.min(field.max, Math.max(field.min, raw));
      return field.integer ? Math.round(value) : value;
    }
    case 'boolean':
      return typeof raw === 'boolean' ? raw : field.default;
    case 'choice':
      return typeof raw === 'string' && Object.hasOwn(field.choices, raw) ? raw : field.default;
    case 'text':
      return typeof raw === 'string' || raw === null ? raw : field.default;
  }
}

/**
 * A stored value as a valid setting: a group keeps its known fields (each validated, missing ones at their
 * default) and drops the rest; anything unreadable becomes the default.
 */
export function validSetting<K extends SettingKey>(key: K, raw: unknown): SettingValue<K> {
  const entry: Field | FieldGroup = settingsRegistry[key];
  if (isField(entry)) return checked(entry, raw) as SettingValue<K>;
  const stored = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const value = Object.fromEntries(Object.entries(entry).map(([name, field]) => [name, checked(field, stored[name])]));
  // Built field by field from the registry entry of `key`, so it has exactly that entry's shape.
  return value as SettingValue<K>;
}

export const settingDefault = <K extends SettingKey>(key: K): SettingValue<K> => validSetting(key, undefined);

/** The number fields of a group, in registry order, for the Settings panel. */
export function numberFields<K extends SettingKey>(key: K): { name: GroupField<K>; field: NumberField }[] {
  const entry: Field | FieldGroup = settingsRegistry[key];
  if (isField(entry)) return [];
  return Object.entries(entry).flatMap(([name, field]) =>
    field.kind === 'number' ? [{ name: name as GroupField<K>, field }] : [],
  );
}

/** A choice field's choices in order, each with its label. */
export const choiceList = <C extends string>(f: ChoiceField<C>) =>
  Object.entries(f.choices).map(([value, label]) => ({ value: value as C, label: label as string }));

/** How the panel labels a number: "Keyframe interval (seconds)". */
export const fieldLabel = (f: NumberField) => (f.unit ? `${f.label} (${f.unit})` : f.label);
/** A stored number as the panel shows it (minutes for seconds, % for a share), rounded to the field's step. */
export function shownValue(f: NumberField, value: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(f.step)));
  return Number((value / (f.scale ?? 1)).toFixed(decimals));
}
/** A number typed in the panel as the stored value. */
export const storedValue = (f: NumberField, shown: number) => shown * (f.scale ?? 1);

/**
 * The catalog's settings calls as the page reaches them through the catalog worker. A worker call loses the
 * per-key typing (Comlink's `Remote` cannot carry a generic signature), so the page reads and saves through
 * `readSettings` and `saveSettings`, which restore it.
 */
export interface SettingsStore {
  getSetting(key: CatalogSettingKey): Promise<unknown> | unknown;
  setSetting(key: CatalogSettingKey, value: SettingValue<CatalogSettingKey>): Promise<void> | void;
}

/** One setting from the catalog, valid and typed: `await readSettings(catalog.db, 'sampling')`. */
export async function readSettings<K extends CatalogSettingKey>(
  db: Pick<SettingsStore, 'getSetting'>,
  key: K,
): Promise<SettingValue<K>> {
  // The catalog already validated it; validating again here is what gives the page its type back.
  return validSetting(key, await db.getSetting(key));
}

/** Saves one setting to the catalog (which clamps it to its bounds). */
export async function saveSettings<K extends CatalogSettingKey>(
  db: SettingsStore,
  key: K,
  value: SettingValue<K>,
): Promise<void> {
  await db.setSetting(key, value);
}

import { defaultEmbeddingInterval } from '../lib/embeddings/plan';
import { readSettings, saveSettings, settingsRegistry, validField, type SettingValue } from '../lib/settings';
import { embedWorker, newEmbedWorker } from '../workers/bridge';
import { defaultModel, listModels, modelFolder, removeModel, writeMeta, type InstalledModel } from './model-folders';
import { copyPickedFolder, downloadModel, downloadStopped } from './model-downloads';
import { isSpeechFolder } from '../lib/speech/models';
import { catalog } from './catalog.svelte';
import { jobs } from './jobs.svelte';
import { handleError } from './toasts.svelte';

/** The model word search uses, once loaded in the embed worker. */
export interface ActiveModel {
  folder: string;
  name: string;
  modelId: string;
}

/** The model folder in use (null for none) and the embedding interval. */
type EmbeddingSettings = SettingValue<'embeddings'>;

/**
 * ONNX Runtime threads: several only where the page is cross-origin isolated (SharedArrayBuffer), and half the
 * cores at most, up to 4: the media workers decode the frames being embedded at the same time. (On a busy 2-core
 * machine a second thread made embedding slower, not faster: `npm run bench:embed`.)
 */
export const inferenceThreads = () =>
  globalThis.crossOriginIsolated ? Math.max(1, Math.min(4, Math.floor((navigator.hardwareConcurrency || 1) / 2))) : 1;

/**
 * The Models panel's state: models kept in OPFS, the active one, the user-asked download of the default model and
 * copies of local model folders. Nothing is fetched unless the user clicks "Download".
 */
class ModelsState {
  panelOpen = $state(false);
  installed = $state.raw<InstalledModel[]>([]);
  /** Bytes a cancelled download left behind (its finished files, kept so it can resume). */
  partialBytes = $state(0);
  active = $state<ActiveModel | null>(null);
  /** The folder being loaded, while it loads. */
  loading = $state<string | null>(null);
  download = $state<{ loaded: number; total: number } | null>(null);
  copying = $state<{ copied: number; total: number } | null>(null);
  /** Seconds between embedded frames besides the scenes' own. */
  interval = $state(defaultEmbeddingInterval);
  /** The last thing the panel should say (a cancelled download, a failed load). */
  note = $state('');
  #restored: Promise<ActiveModel | null> | undefined;
  /** The download under way; aborting it terminates its worker (a fetch inside cannot be reached otherwise). */
  #download: AbortController | undefined;

  /** Resolves once startup has loaded the model in use (if any); `active` says which it is from then on. */
  whenRestored(): Promise<ActiveModel | null> {
    return (this.#restored ??= this.#restore());
  }

  #settings(): Promise<EmbeddingSettings> {
    return readSettings(catalog.db, 'embeddings');
  }

  async #save(patch: Partial<EmbeddingSettings>): Promise<void> {
    if (catalog.readOnly) return;
    await saveSettings(catalog.db, 'embeddings', { ...(await this.#settings()), ...patch });
  }

  async #restore(): Promise<ActiveModel | null> {
    const s = await this.#settings();
    this.interval = s.interval;
    await this.refresh();
    if (!s.activeFolder || !this.installed.some((m) => m.folder === s.activeFolder)) return null;
    await this.#load(s.activeFolder).catch((err) => handleError(err, 'The word search model could not be loaded'));
    return this.active;
  }

  async refresh(): Promise<void> {
    try {
      const { models, partial } = await listModels();
      // Speech models have their own section (speech-models.svelte.ts).
      this.installed = models.filter((m) => m.kind !== 'speech');
      this.partialBytes = partial.filter((p) => !isSpeechFolder(p.folder)).reduce((n, p) => n + p.bytes, 0);
    } catch (err) {
      handleError(err, 'Could not list the models');
    }
  }

  async #load(folder: string): Promise<ActiveModel> {
    const model = this.installed.find((m) => m.folder === folder);
    if (!model) throw new Error(`No model in “${folder}”.`);
    this.loading = folder;
    try {
      const dir = await modelFolder(folder);
      const { modelId, dim } = await embedWorker.api.load(dir, { dtype: model.dtype, threads: inferenceThreads() });
      if (model.modelId !== modelId) await writeMeta(folder, { ...model, modelId, dim });
      this.active = { folder, name: model.name, modelId };
      return this.active;
    } catch (err) {
      this.active = null;
      throw err;
    } finally {
      this.loading = null;
    }
  }

  /** Makes `folder` the model word search uses; every video is embedded again with it, in the background. */
  async activate(folder: string): Promise<void> {
    await this.whenRestored();
    this.note = '';
    try {
      await this.#load(folder);
      await this.#save({ activeFolder: folder });
      await this.refresh();
      if (!catalog.readOnly) {
        await catalog.db.requeueStage('embeddings');
        // Suggested tags are scored again from the new vectors (they wait for them); answered ones stay answered.
        await catalog.db.requeueStage('suggested-tags');
        jobs.poke();
        jobs.refresh();
      }
    } catch (err) {
      this.note = `The model could not be loaded: ${(err as Error).message}`;
      handleError(err, 'The model could not be loaded');
    }
  }

  async remove(folder: string): Promise<void> {
    try {
      if (this.active?.folder === folder) {
        await embedWorker.api.unload();
        this.active = null;
        await this.#save({ activeFolder: null });
      }
      await removeModel(folder);
      await this.refresh();
    } catch (err) {
      handleError(err, 'Could not remove the model');
    }
  }

  /** Copies a picked model folder (from `<input webkitdirectory>`) into OPFS and makes it the active model. */
  async importFolder(files: readonly File[]): Promise<void> {
    this.note = '';
    this.copying = { copied: 0, total: 1 };
    try {
      const folder = await copyPickedFolder(files, 'clip', (copied, total) => (this.copying = { copied, total }));
      if (!folder) return;
      this.copying = null;
      await this.refresh();
      await this.activate(folder);
    } catch (err) {
      this.note = (err as Error).message;
      handleError(err, 'The model folder could not be used');
    } finally {
      this.copying = null;
    }
  }

  /** Downloads the default model into OPFS (only ever on the user's click), then makes it active. */
  async downloadDefault(): Promise<void> {
    if (this.#download) return;
    const download = (this.#download = new AbortController());
    this.note = '';
    this.download = { loaded: 0, total: defaultModel.approxBytes };
    try {
      await downloadModel({
        folder: defaultModel.folder,
        approxBytes: defaultModel.approxBytes,
        meta: {
          name: defaultModel.name,
          source: 'download',
          repo: defaultModel.repo,
          dtype: 'q8',
          addedAt: Date.now(),
        },
        worker: newEmbedWorker(),
        signal: download.signal,
        load: (embed, dir, onProgress) =>
          embed.load(dir, { dtype: 'q8', download: { repo: defaultModel.repo } }, onProgress),
        onProgress: (loaded, total) => (this.download = { loaded, total }),
      });
    } catch (err) {
      this.note = downloadStopped(err, 'The model could not be downloaded');
      return;
    } finally {
      this.#download = undefined;
      this.download = null;
      await this.refresh();
    }
    await this.activate(defaultModel.folder);
  }

  /** Stops the download: the worker doing it is terminated (a fetch inside it cannot be reached otherwise). */
  cancelDownload(): void {
    this.#download?.abort();
  }

  async setInterval(seconds: number): Promise<void> {
    if (!Number.isFinite(seconds)) return;
    this.interval = validField(settingsRegistry.embeddings.interval, seconds);
    try {
      await this.#save({ interval: this.interval });
    } catch (err) {
      handleError(err, 'Could not save the setting');
    }
  }
}

export const models = new ModelsState();

import { proxy } from 'comlink';
import { AbortError } from '../lib/errors';
import { readSettings, saveSettings, type SettingValue } from '../lib/settings';
import { speechChoices, type SpeechChoice } from '../lib/speech/models';
import type { SpeechModelInfo } from '../indexing/stage';
import type { Transcript } from '../workers/speech/transcribe';
import { newSpeechWorker } from '../workers/bridge';
import { listModels, modelFolder, removeModel, writeMeta, type InstalledModel } from './model-folders';
import { copyPickedFolder, downloadModel, downloadStopped } from './model-downloads';
import { catalog } from './catalog.svelte';
import { jobs } from './jobs.svelte';
import { inferenceThreads } from './models.svelte';
import { handleError, toasts } from './toasts.svelte';
import { plural } from '../lib/format';

type SpeechSettings = SettingValue<'speech'>;

/** An English-only Whisper takes no language. */
const englishOnly = (folder: string) => speechChoices.some((c) => c.folder === folder && c.englishOnly);

/**
 * The speech section of the Models panel and what transcribing needs of it: speech models kept in OPFS (Whisper
 * downloads, fetched only on a click, or folders the user loads), the one in use, the language to listen for, and
 * the speech worker that runs it. Transcribing happens only for the videos the user asks for.
 */
class SpeechModelsState {
  installed = $state.raw<InstalledModel[]>([]);
  /** Bytes cancelled downloads left behind, by folder (kept so they resume). */
  partial = $state.raw<Record<string, number>>({});
  active = $state<{ folder: string; name: string } | null>(null);
  language = $state<string | null>(null);
  /** The folder being checked (loaded once when chosen, so a broken one is said at once). */
  loading = $state<string | null>(null);
  download = $state<{ folder: string; loaded: number; total: number } | null>(null);
  copying = $state<{ copied: number; total: number } | null>(null);
  note = $state('');
  #restored: Promise<unknown> | undefined;
  #download: AbortController | undefined;
  /** The worker transcriptions run in, one at a time; abort terminates it and the next one loads the model again. */
  readonly #worker = newSpeechWorker();
  #queue: Promise<unknown> = Promise.resolve();

  whenRestored(): Promise<unknown> {
    return (this.#restored ??= this.#restore());
  }

  async #settings(): Promise<SpeechSettings> {
    return readSettings(catalog.db, 'speech');
  }

  async #save(patch: Partial<SpeechSettings>): Promise<void> {
    if (catalog.readOnly) return;
    await saveSettings(catalog.db, 'speech', { ...(await this.#settings()), ...patch });
  }

  async #restore(): Promise<void> {
    const s = await this.#settings();
    this.language = s.language;
    await this.refresh();
    const model = this.installed.find((m) => m.folder === s.activeFolder);
    if (model) this.active = { folder: model.folder, name: model.name };
  }

  async refresh(): Promise<void> {
    try {
      const { models, partial } = await listModels();
      this.installed = models.filter((m) => m.kind === 'speech');
      const owned = new Set(speechChoices.map((c) => c.folder));
      this.partial = Object.fromEntries(partial.filter((p) => owned.has(p.folder)).map((p) => [p.folder, p.bytes]));
    } catch (err) {
      handleError(err, 'Could not list the models');
    }
  }

  /** What the transcribe stage needs to know of the model in use. */
  info(): SpeechModelInfo | null {
    const a = this.active;
    return a ? { folder: a.folder, name: a.name, language: this.language } : null;
  }

  /** Makes `folder` the speech model; it is loaded once now, so a folder that is not a model is said at once. */
  async use(folder: string): Promise<void> {
    await this.whenRestored();
    const model = this.installed.find((m) => m.folder === folder);
    if (!model) return;
    this.note = '';
    this.loading = folder;
    try {
      const { modelId } = await this.#worker.run(undefined, async (speech) =>
        speech.load(await modelFolder(folder), folder, { dtype: model.dtype, threads: inferenceThreads() }),
      );
      if (model.modelId !== modelId) await writeMeta(folder, { ...model, modelId });
      this.active = { folder, name: model.name };
      await this.#save({ activeFolder: folder });
      await this.refresh();
    } catch (err) {
      this.note = `The speech model could not be loaded: ${(err as Error).message}`;
      handleError(err, 'The speech model could not be loaded');
    } finally {
      this.loading = null;
    }
  }

  async setLanguage(code: string | null): Promise<void> {
    this.language = code;
    try {
      await this.#save({ language: code });
    } catch (err) {
      handleError(err, 'Could not save the setting');
    }
  }

  async remove(folder: string): Promise<void> {
    try {
      if (this.active?.folder === folder) {
        this.#worker.terminate();
        this.active = null;
        await this.#save({ activeFolder: null });
      }
      await removeModel(folder);
      await this.refresh();
    } catch (err) {
      handleError(err, 'Could not remove the model');
    }
  }

  /** Downloads a Whisper model into OPFS, only on the user's click, then uses it. */
  async downloadModel(choice: SpeechChoice): Promise<void> {
    if (this.#download) return;
    const download = (this.#download = new AbortController());
    this.note = '';
    this.download = { folder: choice.folder, loaded: 0, total: choice.approxBytes };
    try {
      await downloadModel({
        folder: choice.folder,
        approxBytes: choice.approxBytes,
        meta: {
          name: choice.name,
          kind: 'speech',
          source: 'download',
          repo: choice.repo,
          dtype: 'q8',
          addedAt: Date.now(),
        },
        worker: newSpeechWorker(),
        signal: download.signal,
        load: (speech, dir, onProgress) =>
          speech.load(dir, choice.folder, { dtype: 'q8', download: { repo: choice.repo } }, onProgress),
        onProgress: (loaded, total) => (this.download = { folder: choice.folder, loaded, total }),
      });
    } catch (err) {
      this.note = downloadStopped(err, 'The speech model could not be downloaded');
      return;
    } finally {
      this.#download = undefined;
      this.download = null;
      await this.refresh();
    }
    await this.use(choice.folder);
  }

  cancelDownload(): void {
    this.#download?.abort();
  }

  /** Copies a picked speech model folder into OPFS and uses it. */
  async importFolder(files: readonly File[]): Promise<void> {
    this.note = '';
    this.copying = { copied: 0, total: 1 };
    try {
      const folder = await copyPickedFolder(files, 'speech', (copied, total) => (this.copying = { copied, total }));
      if (!folder) return;
      this.copying = null;
      await this.refresh();
      await this.use(folder);
    } catch (err) {
      this.note = (err as Error).message;
      handleError(err, 'The speech model folder could not be used');
    } finally {
      this.copying = null;
    }
  }

  /** Queues speech to text for these videos, or every video of a library; says how many. */
  async transcribe(target: { videoIds?: number[]; libraryId?: number }): Promise<void> {
    try {
      const queued = await catalog.db.queueStage('transcribe', target);
      this.note = queued ? `${plural(queued, 'video')} will be transcribed in the background.` : '';
      toasts.show(this.note || 'Those videos are being transcribed already.');
      jobs.poke();
      jobs.refresh();
    } catch (err) {
      handleError(err, 'Could not queue speech to text');
    }
  }

  /**
   * Runs one video through the speech worker (the transcribe stage calls this), after the ones before it. Abort
   * or overrun terminates the worker, which drops whatever it had heard of this video.
   */
  run(
    file: File,
    opts: { signal: AbortSignal; timeoutMs: number; onProgress(seconds: number): void },
  ): Promise<Transcript> {
    const turn = this.#queue.then(async () => {
      if (opts.signal.aborted) throw new AbortError();
      const active = this.active;
      const model = active && this.installed.find((m) => m.folder === active.folder);
      if (!model) throw new Error('The speech model in use is gone: choose one in the Models panel.');
      const dir = await modelFolder(model.folder);
      const language = this.language;
      return this.#worker.run(
        opts.signal,
        async (speech) => {
          await speech.load(dir, model.folder, { dtype: model.dtype, threads: inferenceThreads() });
          return speech.transcribe(file, englishOnly(model.folder) ? null : language, proxy(opts.onProgress));
        },
        { ms: opts.timeoutMs, what: 'Speech to text' },
      );
    });
    this.#queue = turn.catch(() => undefined);
    return turn;
  }
}

export const speechModels = new SpeechModelsState();

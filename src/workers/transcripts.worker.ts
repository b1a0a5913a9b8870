/// <reference lib="webworker" />
import { expose } from 'comlink';
import { BlobStore } from '../db/blob-store';
import { transcriptsApi } from './transcripts/api';

/** What is said in the videos: their subtitle and transcript lines (transcripts/api.ts), searched by words. */
const api = transcriptsApi(() => BlobStore.open());

export type TranscriptsApi = typeof api;
expose(api);

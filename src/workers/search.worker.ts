/// <reference lib="webworker" />
import { expose } from 'comlink';
import { BlobStore } from '../db/blob-store';
import { searchApi } from './search/api';

/** The reverse-search worker: its calls live in search/api.ts, over the fingerprints' segment files in OPFS. */
const api = searchApi(() => BlobStore.open());

export type SearchApi = typeof api;
expose(api);

// Every API the broker serves; one file per API key, named by its number.
import type { ApiHandler } from '../handler';
import produce from './00-produce';
import fetch from './01-fetch';
import listOffsets from './02-list-offsets';
import metadata from './03-metadata';
import apiVersions from './18-api-versions';

export const ALL_HANDLERS: readonly ApiHandler[] = [produce, fetch, listOffsets, metadata, apiVersions] as unknown as ApiHandler[];

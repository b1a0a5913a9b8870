/** The Cache Storage bucket where the service worker keeps shared files until the page takes them. */
export const SHARED_CACHE = 'framefinder-shared';

import type { LocationQuery, LocationQueryRaw } from 'vue-router';

/**
 * `?kiosk=1`: the dashboard's saved view (its filters in the URL) on a screen nobody touches:
 * full width, without the app header, filters, exports, editors or drill-down buttons.
 */
export function isKiosk(query: LocationQuery): boolean {
  const value = Array.isArray(query.kiosk) ? query.kiosk[0] : query.kiosk;
  return value === '1' || value === 'true';
}

/** The kiosk address of the view `query` describes (its filters, language and theme kept). */
export function kioskQuery(query: LocationQuery): LocationQueryRaw {
  return { ...query, kiosk: '1' };
}

import type { ComuneProfileRow } from './profile.queries.ts';

/** The public profile; contacts only for signed-in callers (they are colleagues, not the public). */
export function toComune(row: ComuneProfileRow, withContacts: boolean) {
  const surface = row.surface_km2;
  return {
    istat: row.istat,
    name: row.name,
    province: { code: row.province_code, sigla: row.province_sigla, name: row.province_name },
    region: { code: row.region_code, name: row.region_name },
    residentPopulation: row.resident_population,
    residentPopulationDate: row.resident_population_date,
    legalPopulation: row.legal_population,
    legalPopulationDate: row.legal_population_date,
    sizeClass: row.size_class,
    surfaceKm2: surface,
    densityPerKm2: surface && row.resident_population !== null ? Math.round((row.resident_population / surface) * 10) / 10 : null,
    altitudeZone: row.altitude_zone,
    altitudeM: row.altitude_m,
    coastal: row.coastal,
    island: row.island,
    codiceCatastale: row.codice_catastale,
    codiceIpa: row.codice_ipa,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    successorIstat: row.successor_istat,
    aggregations: row.aggregations,
    interests: row.interests,
    ...(withContacts ? { contacts: row.contacts } : {}),
    programming: row.programming,
    funding: row.funding,
  };
}

/** The moment a request or job looks at the catalogue, and how many days before a deadline count as "soon". */
export interface Clock {
  now: Date;
  soonDays: number;
}

/** The clock of this instant, with the configured "closing soon" window. */
export function clockAt(soonDays: number, now = new Date()): Clock {
  return { now, soonDays };
}

import type { FastifyInstance } from 'fastify';
import type { Db } from '../../plugins/db/database.ts';
import type { FeedOwner } from './feeds.queries.ts';

/** A whole-day event another feature adds to the calendar feeds (an application's step or milestone). */
export interface CalendarEntry {
  uid: string;
  summary: string;
  /** YYYY-MM-DD, the day in Rome. */
  day: string;
  description: string;
  /** Path inside the SPA. */
  path: string;
  alarmDays: readonly number[];
  updatedAt: Date;
}

export type { FeedOwner };
export type CalendarSource = (db: Db, owner: FeedOwner) => Promise<CalendarEntry[]>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Features that add events to the iCalendar feeds; alerts stays unaware of what they are. */
    calendarSources: CalendarSource[];
  }
}

export function registerCalendarSources(app: FastifyInstance) {
  app.decorate('calendarSources', []);
}

/** Adds a source of calendar events: called by a feature registered after alerts. */
export const addCalendarSource = (app: FastifyInstance, source: CalendarSource) => void app.calendarSources.push(source);

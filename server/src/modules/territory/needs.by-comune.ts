import { setTimeout } from 'node:timers/promises';
import type { Db } from '../../plugins/db/database.ts';
import { listen, type NotificationListener } from '../../plugins/db/notifications.ts';
import { COMUNI_CHANGED_CHANNEL } from '../comuni/index.ts';
import { MATCHES_CHANGED_CHANNEL } from '../matching/index.ts';
import { byTheme, MINIMUM_COMUNI, needsWithoutCall, publishable, type NeedsCell } from './needs.privacy.ts';
import { sumCells } from './needs.cells.ts';
import { comuneNeeds, nextServingChange, themeLabels, themesWithOpenCalls, type ComuneNeed, type NeedsFilter } from './needs.queries.ts';
import { TERRITORY_CHANGED_CHANNEL } from './territory.cache.ts';

/** Needs against funding as published: every cell backed by fewer than three comuni hidden. */
export interface PublishedNeeds {
  minimumComuni: number;
  cells: NeedsCell[];
  byTheme: NeedsCell[];
  withoutCall: NeedsCell[];
}

/** How long a process just started waits for its listeners before loading anyway (once). */
const CONNECT_WAIT_MS = 2000;

/**
 * Each Lombard comune's needs and offers, kept in memory and brought up to date one comune at a time.
 * Summing the needs of every comune against its matches reads a million rows (seconds of database
 * time), and on a busy day plans and rematches change every few seconds, each touching one comune.
 * So a change reloads the comuni it names (`comuni_changed` for plans and profiles, `matches_changed`
 * for rematches) and the cells are summed here; a change to every comune, a lost notification or the
 * clock reaching the next opening or closing of a window (the open calls change) reloads them all.
 * Reports are kept by territory until anything the territory's answers read changes.
 */
export class NeedsByComune {
  private readonly byComune = new Map<string, ComuneNeed[]>();
  /** One string per call id: the same few hundred calls recur in every comune, and summing hashes each once. */
  private readonly callIds = new Map<string, string>();
  /** Comuni to reload; `all` when every comune must be. */
  private stale: Set<string> | 'all' = 'all';
  private servingChangesAt: number | null = null;
  private themesWithCalls: string[] = [];
  /** Counts every change heard: a report built before the latest one is built again. */
  private generation = 0;
  private readonly reports = new Map<string, { generation: number; report: PublishedNeeds }>();
  private listeners: NotificationListener[] = [];
  private refreshing: Promise<void> | null = null;
  private reloadingAll = false;
  private readonly createdAt = Date.now();

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  start(): void {
    const onGap = () => this.heard('*');
    this.listeners = [
      listen(this.db, COMUNI_CHANGED_CHANNEL, (istat) => this.heard(istat), onGap),
      listen(this.db, MATCHES_CHANGED_CHANNEL, (istat) => this.heard(istat), onGap),
      // Theme labels and anything else a report shows: built again, nothing reloaded.
      listen(this.db, TERRITORY_CHANGED_CHANNEL, () => this.generation++, onGap),
    ];
  }

  async stop(): Promise<void> {
    await Promise.all(this.listeners.map((l) => l.close()));
    this.listeners = [];
  }

  private heard(istat: string): void {
    this.generation++;
    if (istat === '*') this.stale = 'all';
    else if (this.stale !== 'all') this.stale.add(istat);
  }

  /** Needs against funding in the territory chosen (the whole region without a filter). */
  async report(filter: NeedsFilter): Promise<PublishedNeeds> {
    const generation = this.generation;
    const key = `${filter.province ?? ''}|${filter.sizeClass ?? ''}`;
    const kept = this.reports.get(key);
    const listening = this.listening;
    if (kept && kept.generation === generation && listening && !this.servingExpired()) return kept.report;
    // A full reload takes seconds: meanwhile readers get the report it will replace, as the territory's other answers do.
    if (kept && this.reloadingAll) return kept.report;
    await this.refreshed();
    const rows = sumCells(this.byComune, filter, await themeLabels(this.db));
    const themes = byTheme(rows);
    const report = {
      minimumComuni: MINIMUM_COMUNI,
      cells: rows.map(publishable),
      byTheme: themes.map(publishable),
      withoutCall: needsWithoutCall(themes, this.themesWithCalls).map(publishable),
    };
    if (listening) this.reports.set(key, { generation, report });
    return report;
  }

  /** Whether every change is heard: until then nothing loaded may be kept. */
  private get listening(): boolean {
    return this.listeners.length > 0 && this.listeners.every((l) => l.connected);
  }

  private servingExpired(): boolean {
    return this.servingChangesAt !== null && this.now().getTime() >= this.servingChangesAt;
  }

  /** Loads every comune now (a web process starting), not when the first viewer asks. */
  async warm(): Promise<void> {
    await this.report({});
  }

  /** Reloads what changed; loads run one at a time, and a change heard during one is reloaded by the next. */
  private async refreshed(): Promise<void> {
    // Just started (or starting): a load before the listeners connect would be thrown away when they do.
    while (!this.listening && Date.now() - this.createdAt < CONNECT_WAIT_MS) await setTimeout(20);
    for (;;) {
      const heard = this.listening;
      if (!heard || this.servingExpired()) this.stale = 'all';
      if (this.stale !== 'all' && this.stale.size === 0) return;
      this.refreshing ??= this.refresh().finally(() => (this.refreshing = null));
      await this.refreshing;
      if (!heard) return;
    }
  }

  private async refresh(): Promise<void> {
    const now = this.now();
    const stale = this.stale;
    this.stale = new Set();
    this.reloadingAll = stale === 'all';
    try {
      if (stale === 'all') {
        const [needs, changesAt, themes] = await Promise.all([
          comuneNeeds(this.db, null, now),
          nextServingChange(this.db, now),
          themesWithOpenCalls(this.db, now),
        ]);
        this.byComune.clear();
        this.callIds.clear();
        for (const need of needs) this.add(need);
        this.servingChangesAt = changesAt?.getTime() ?? null;
        this.themesWithCalls = themes;
      } else {
        const needs = await comuneNeeds(this.db, [...stale], now);
        for (const istat of stale) this.byComune.delete(istat);
        for (const need of needs) this.add(need);
      }
    } catch (error) {
      this.stale = 'all';
      throw error;
    } finally {
      this.reloadingAll = false;
    }
  }

  private add(need: ComuneNeed): void {
    need.callIds = need.callIds.map((id) => {
      const known = this.callIds.get(id);
      if (known) return known;
      this.callIds.set(id, id);
      return id;
    });
    const needs = this.byComune.get(need.istat);
    if (needs) needs.push(need);
    else this.byComune.set(need.istat, [need]);
  }
}

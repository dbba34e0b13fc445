import type { Config } from '../plugins/config.ts';
import type { Db } from '../plugins/db/database.ts';
import type { ReadReplica } from '../plugins/db/read-replica.ts';
import type { JobQueue } from '../plugins/queue.ts';
import type { Mailer } from '../plugins/mail.ts';
import type { SearchEngine, SearchResult } from '../plugins/search/engine.ts';
import type { NotifiedCache } from '../plugins/db/notified-cache.ts';
import type { Scheduler } from '../plugins/scheduler.ts';
import type { Clock } from '../shared/clock.ts';
import type { ChecklistCache, Coverage, FundingHistory, OpportunityView, StoredMatch } from '../modules/matching/index.ts';
import type { ComuneListPage, ComuneProfileRow } from '../modules/comuni/index.ts';
import type { CataloguePage, EditorialCache } from '../modules/calls/index.ts';
import type { ApplicationListCache } from '../modules/applications/index.ts';
import type { ProgrammingListCache } from '../modules/programming/index.ts';
import type { NeedsByComune } from '../modules/territory/index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Readonly<Config>;
    /** The primary: writes, sessions, notifications, reads that follow a write. */
    db: Db;
    /** The streaming replica of DATABASE_READ_URL (the primary without one), with its lag handled. */
    readReplica: ReadReplica;
    /** The database a public read of this request goes to: the primary for signed-in users, else the replica once fresh. */
    readDbFor: (request: FastifyRequest) => Promise<Db>;
    queue: JobQueue | undefined;
    mailer: Mailer;
    searchEngine: SearchEngine;
    /** Now, with the configured "closing soon" window. */
    clock: () => Clock;
    /** Where features add their background jobs. */
    scheduler: Scheduler;
    /** Comune profiles in memory; writers invalidate their comune after committing. */
    profileCache: NotifiedCache<ComuneProfileRow>;
    /** Each comune's stored matches in memory; triggers on matches and calls drop them. */
    opportunitiesCache: NotifiedCache<StoredMatch[]>;
    /** The same lists without peers, for the comuni's public pages. */
    publicOpportunitiesCache: NotifiedCache<StoredMatch[]>;
    /** Each call's checklist for a comune; call, profile and plan changes and the clock drop them. */
    checklistCache: ChecklistCache;
    /** Each comune's near misses, computed on demand; the same notifications drop them. */
    nearMissCache: NotifiedCache<OpportunityView[]>;
    /** Uncovered comuni by territory; any change to matches or published calls drops them all. */
    coverageCache: NotifiedCache<Coverage>;
    /** The funding history as matching reads it for every comune; imports drop it. */
    fundingHistory: FundingHistory;
    /** Lists of comuni by query; imports and aggregation changes drop them. */
    comuneListCache: NotifiedCache<ComuneListPage>;
    /** The public catalogue's pages by query; the trigger on published calls drops them. */
    catalogueCache: NotifiedCache<CataloguePage>;
    /** The editors' lists and counts; any change to a call drops them. */
    editorialCache: EditorialCache;
    /** Each Lombard comune's needs and offers, reloaded one comune at a time as plans and matches change. */
    needsByComune: NeedsByComune;
    /** Applications' lists (a comune's, an office's board) by filters; triggers on applications and steps drop them. */
    applicationListCache: ApplicationListCache;
    /** Each comune's plan by filters; writes to a plan and funding-history imports drop it. */
    programmingListCache: ProgrammingListCache;
    /** Search answers by query; the outbox drain and reindex drop them. */
    searchCache: NotifiedCache<SearchResult>;
  }
}

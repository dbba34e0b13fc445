import type { Config } from '../plugins/config.ts';
import type { Db } from '../plugins/db/database.ts';
import type { JobQueue } from '../plugins/queue.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Readonly<Config>;
    db: Db;
    queue: JobQueue | undefined;
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; enforced by the auth plugin. */
    access?: 'public' | string;
  }
}

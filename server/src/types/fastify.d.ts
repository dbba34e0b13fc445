import type { Config } from '../plugins/config.ts';
import type { Db } from '../plugins/db/database.ts';
import type { JobQueue } from '../plugins/queue.ts';
import type { Mailer } from '../plugins/mail.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Readonly<Config>;
    db: Db;
    queue: JobQueue | undefined;
    mailer: Mailer;
  }
}

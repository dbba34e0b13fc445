import type { Kysely } from 'kysely';
import type { Database } from '../../plugins/db/schema.ts';
import { callExists } from '../calls/index.ts';
import { romeDay } from './indicators.counting.ts';

/** Stores a "Ti è stato utile?" answer of a published call: the day, the answer, the comment; nothing about who. */
export async function saveFeedback(db: Kysely<Database>, at: Date, callId: string, useful: boolean, comment: string | undefined): Promise<boolean> {
  if (!(await callExists(db, callId, { published: true }))) return false;
  const text = comment?.trim() || null;
  await db
    .insertInto('feedback_answers')
    .values({ day: romeDay(at), call_id: callId, useful, comment: text })
    .execute();
  return true;
}

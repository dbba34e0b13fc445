import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { byItalianName } from '../shared/names.ts';

/** What the SPA asks for as a page opens (web/src/router/dataPreloads.ts, written by its build). */
interface FirstAnswersPlan {
  session: string;
  aggregationMembers: string;
  signedInFrontDoor: string;
  pages: Record<string, readonly string[]>;
}

interface SessionAnswer {
  me: {
    scoped: boolean;
    comuni: string[];
    memberships: { comune?: { istat: string; name: string } | null; aggregation?: { id: string } | null }[];
  } | null;
}

/** The answers written into one page, and whether they carry a signed-in visitor's data. */
export interface FirstAnswers {
  /** `<script type="application/json">`, read by web/src/api/firstAnswers.ts. */
  script: string;
  signedIn: boolean;
}

export function readFirstAnswersPlan(dist: string): FirstAnswersPlan | null {
  const file = join(dist, 'first-answers.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as FirstAnswersPlan) : null;
}

/**
 * The comune the opportunities page opens on when the browser remembers no other choice: the first by
 * name of those the user serves (web/src/stores/comune.ts), named by their memberships or by the
 * members of their associated offices.
 */
function defaultComune(me: NonNullable<SessionAnswer['me']>, members: { istat: string; name: string }[]): string | null {
  if (!me.scoped) return null;
  const named = new Map<string, string>();
  for (const m of me.memberships) if (m.comune) named.set(m.comune.istat, m.comune.name);
  for (const c of members) if (me.comuni.includes(c.istat)) named.set(c.istat, c.name);
  const [first] = [...named].sort(([, a], [, b]) => byItalianName(a, b));
  return first?.[0] ?? null;
}

/** `<` escaped: the JSON cannot close its script element or open a comment. */
const scriptOf = (answers: [string, string][], complete: boolean) =>
  `<script id="first-answers" type="application/json">${`{"complete":${complete},"answers":{${answers
    .map(([url, body]) => `${JSON.stringify(url)}:${body}`)
    .join(',')}}}`.replace(/</g, '\\u003c')}</script>`;

/**
 * Asks the API, as the visitor (their cookies, their address for the rate limit), for the answers the
 * page will open with, so the page is drawn as its scripts run instead of a round trip or two later.
 * Only successful answers are written; the session check always is. `complete` tells the SPA it may
 * draw the page at once: every answer it opens with is in.
 */
export function firstAnswersOf(app: FastifyInstance, plan: FirstAnswersPlan) {
  return async (request: FastifyRequest, path: string, query: string): Promise<FirstAnswers> => {
    // A failed answer is left out: the page asks for it itself, and shows its error as usual.
    const ask = async (url: string): Promise<[string, string] | null> => {
      try {
        const res = await app.inject({
          method: 'GET',
          url,
          headers: { cookie: request.headers.cookie ?? '', 'user-agent': request.headers['user-agent'] ?? '' },
          remoteAddress: request.ip,
        });
        return res.statusCode === 200 ? [url, res.payload] : null;
      } catch (error) {
        request.log.warn({ err: error, url }, 'first answer not written');
        return null;
      }
    };
    const session = await ask(plan.session);
    const me = session ? (JSON.parse(session[1]) as SessionAnswer).me : null;
    const aggregations = (me?.memberships ?? []).flatMap((m) =>
      m.aggregation ? [plan.aggregationMembers.replace('{aggregation}', encodeURIComponent(m.aggregation.id))] : [],
    );
    const memberPages = (await Promise.all(aggregations.map(ask))).filter((a) => a !== null);
    const members = memberPages.flatMap(([, body]) => (JSON.parse(body) as { items: { istat: string; name: string }[] }).items);
    const comune = me ? defaultComune(me, members) : null;
    const page = me && path.replace(/\/$/, '') === '' ? plan.signedInFrontDoor : path.replace(/(.)\/$/, '$1');
    // A page opened with a query (filters, a page number) asks for other answers.
    const templates = query ? [] : (plan.pages[page] ?? []);
    const urls = templates.filter((url) => comune || !url.includes('{comune}')).map((url) => url.replaceAll('{comune}', comune ?? ''));
    const answers = (await Promise.all(urls.map(ask))).filter((a) => a !== null);
    const all = [session, ...memberPages, ...answers].filter((a) => a !== null);
    const complete = templates.length > 0 && answers.length === templates.length;
    return { script: scriptOf(all, complete), signedIn: me !== null };
  };
}

import { factsSentence } from './alerts.texts.ts';
import type { FeedCall } from './feeds.queries.ts';

const xml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

export interface AtomFeed {
  /** Stable across token rotations: readers keep their read state. */
  id: string;
  title: string;
  selfUrl: string;
  pageUrl: string;
  calls: FeedCall[];
  link(call: FeedCall): string;
}

/** Atom 1.0 (RFC 4287): one entry per matched call, newest first. */
export function renderAtom(feed: AtomFeed): string {
  const updated = feed.calls.reduce((latest, c) => (c.updated_at > latest ? c.updated_at : latest), new Date(0));
  const entries = feed.calls.map((call) => {
    const summary = [call.summary, factsSentence(call)].filter(Boolean).join('\n\n');
    return `  <entry>
    <id>urn:uuid:${call.call_id}</id>
    <title>${xml(call.title)}</title>
    <link rel="alternate" type="text/html" href="${xml(feed.link(call))}"/>
    <published>${call.published_at.toISOString()}</published>
    <updated>${call.updated_at.toISOString()}</updated>
    <author><name>${xml(call.issuer)}</name></author>
    <summary type="text">${xml(summary)}</summary>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="it">
  <id>${xml(feed.id)}</id>
  <title>${xml(feed.title)}</title>
  <updated>${(feed.calls.length > 0 ? updated : new Date()).toISOString()}</updated>
  <link rel="self" type="application/atom+xml" href="${xml(feed.selfUrl)}"/>
  <link rel="alternate" type="text/html" href="${xml(feed.pageUrl)}"/>
  <author><name>Cruscotto digitale – ANCI Lombardia</name></author>
  <generator>Cruscotto</generator>
${entries.join('\n')}
</feed>
`;
}

/**
 * The API answers the server wrote into the page (server/src/plugins/first-answers.ts): the first
 * request for each is answered from the page, without going to the network, so the page is drawn in
 * the task that runs the scripts. Each is used once, and none outlives the first page.
 */
interface Written {
  complete: boolean;
  answers: Record<string, unknown>;
}

/** The same address whatever the order of its query's parameters. */
function keyOf(url: URL): string {
  const params = [...url.searchParams].sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1));
  return `${url.pathname}?${new URLSearchParams(params).toString()}`;
}

function read(): Written | null {
  const element = document.getElementById('first-answers');
  if (!element?.textContent) return null;
  try {
    return JSON.parse(element.textContent) as Written;
  } catch {
    return null;
  }
}

const written = read();
let answers = new Map(Object.entries(written?.answers ?? {}).map(([url, body]) => [keyOf(new URL(url, location.origin)), body]));

/** Every answer the first page opens with is in the page: it can be drawn at once. */
export const firstPageAnswered = written?.complete === true;

/** The answers left unused once the first page is drawn are dropped: later pages ask for fresh ones. */
export function forgetFirstAnswers(): void {
  answers = new Map();
}

/**
 * A GET the page already holds the answer to, as the small part of a Response that openapi-fetch reads
 * (a real Response would read its body through the network's task queue, a task later).
 */
export function answeredInPage(request: Request): Promise<Response> | null {
  if (request.method !== 'GET' || answers.size === 0) return null;
  const key = keyOf(new URL(request.url));
  if (!answers.has(key)) return null;
  const body = answers.get(key);
  answers.delete(key);
  const response = {
    ok: true,
    status: 200,
    headers: new Headers({ 'content-type': 'application/json' }),
    json: () => Promise.resolve(body),
    text: () => Promise.resolve(JSON.stringify(body)),
  };
  return Promise.resolve(response as unknown as Response);
}

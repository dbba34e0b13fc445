import { nextTick, ref, type App } from 'vue';
import { firstPageAnswered, forgetFirstAnswers } from '@/api/firstAnswers';
import { noRequestsUnderWay } from '@/api/inFlight';

/** How long the first page may wait for its data before it is shown with its loading messages. */
const FIRST_PAGE_WAIT_MS = 800;

/** False while only the header and footer are built (App.vue draws the page once it turns true). */
export const pageBuilt = ref(false);

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * The first load in short tasks, none holding the main thread long enough to delay a tap: the header
 * and footer are built in the task after the scripts ran, the page in the next, its data drawn as it
 * arrives; all of it hidden until the data is in, then shown in one layout and one paint, not as a
 * frame of spinners that each answer redraws.
 */
export async function mountInStages(app: App, root: HTMLElement): Promise<void> {
  if (firstPageAnswered) return mountAnswered(app, root);
  root.hidden = true;
  await nextTask();
  app.mount(root);
  await nextTask();
  pageBuilt.value = true;
  await nextTick();
  await Promise.race([noRequestsUnderWay(), new Promise((resolve) => setTimeout(resolve, FIRST_PAGE_WAIT_MS))]);
  root.hidden = false;
  forgetFirstAnswers();
}

/**
 * A page whose answers the server wrote into it is built whole in the task that runs the scripts (its
 * requests are answered as microtasks): drawn in the first paint, with nothing left to wait for.
 */
function mountAnswered(app: App, root: HTMLElement): void {
  pageBuilt.value = true;
  app.mount(root);
  setTimeout(forgetFirstAnswers, 0);
}

import { defineComponent, h, ref } from 'vue';
import { api, unwrap } from '@/api/client';
import { pageBuilt } from '@/composables/firstLoad';

/** A page that asks for the themes, then for one comune once they arrive (a chained request). */
export const ChainedPage = defineComponent(() => {
  const text = ref('caricamento…');
  void unwrap(api.GET('/themes')).then(async () => {
    const comune = await unwrap(api.GET('/comuni/{istat}', { params: { path: { istat: '019035' } } }));
    text.value = (comune as { name: string }).name;
  });
  return () => h('p', text.value);
});

/** The app's shell: a header, then the page once `pageBuilt` (as App.vue). */
export const Shell = defineComponent(() => () => h('div', [h('header', 'Cruscotto'), pageBuilt.value ? h(ChainedPage) : null]));

/// <reference types="vite/client" />
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
declare module 'virtual:icons' {
  const icons: Record<import('./components/icon-names').IconName, { viewBox: string; body: string }>;
  export default icons;
}

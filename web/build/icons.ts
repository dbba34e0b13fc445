import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';
import { ICON_NAMES } from '../src/components/icon-names';

const ID = 'virtual:icons';
const RESOLVED = `\0${ID}`;

/** `{ name: { viewBox, body } }` for each named icon, read from Bootstrap Italia's sprite. */
export function iconSymbols(sprite: string, names: readonly string[]): Record<string, { viewBox: string; body: string }> {
  const icons: Record<string, { viewBox: string; body: string }> = {};
  for (const name of names) {
    const match = new RegExp(`<symbol id="it-${name}" viewBox="([^"]+)">(.*?)</symbol>`, 's').exec(sprite);
    if (!match) throw new Error(`Bootstrap Italia has no icon "${name}" (web/src/components/icon-names.ts)`);
    icons[name] = { viewBox: match[1]!, body: match[2]! };
  }
  return icons;
}

/**
 * Inlines the icons the SPA uses into its JavaScript: the full sprite is 92 KB (28 KB compressed)
 * for about ten icons, and an external sprite is one more request before the header is complete.
 */
export function icons(spritePath: string): Plugin {
  return {
    name: 'cruscotto:icons',
    resolveId: (id) => (id === ID ? RESOLVED : undefined),
    load(id) {
      if (id !== RESOLVED) return undefined;
      this.addWatchFile(spritePath);
      return `export default ${JSON.stringify(iconSymbols(readFileSync(spritePath, 'utf8'), ICON_NAMES))};`;
    },
  };
}

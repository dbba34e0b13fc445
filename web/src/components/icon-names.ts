/**
 * The Bootstrap Italia icons the SPA draws. Only these reach the bundle (see `web/build/icons.ts`):
 * drawing a new icon means adding its name here, and the type makes `<AppIcon>` refuse any other.
 */
export const ICON_NAMES = ['burger', 'close-big', 'pa', 'search', 'user', 'info-circle', 'check-circle', 'close-circle', 'exchange-circle', 'help-circle'] as const;

export type IconName = (typeof ICON_NAMES)[number];

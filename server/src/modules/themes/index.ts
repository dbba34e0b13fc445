import { defineFeature } from '../../plugins/feature.ts';
import themesRoutes from './themes.routes.ts';

export { unknownThemeMessage, unknownThemes } from './themes.service.ts';

/** The themes calls, programming items and subscriptions are tagged with. */
export default defineFeature({ name: 'themes', dependencies: ['database', 'access-control'], routes: [themesRoutes] });

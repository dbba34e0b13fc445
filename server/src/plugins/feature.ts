import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

export const API_PREFIX = '/api/v1';

export interface FeatureParts {
  /** Fastify plugin metadata: the feature's name and the services and features it needs first. */
  name: string;
  dependencies: string[];
  /** Schemas with an `$id`, shared by the feature's routes and shown as named OpenAPI components. */
  schemas?: readonly object[];
  /** Caches and background jobs (`app.scheduler.add`), set up before the routes that read them. */
  setup?: (app: FastifyInstance) => void;
  /** Route plugins, registered in this order under `/api/v1`. */
  routes: readonly FastifyPluginAsync<never>[];
}

export interface FeatureOptions {
  /** False in a worker process, which serves no HTTP: its jobs need the feature's caches, not its routes. */
  withRoutes?: boolean;
}

/**
 * A feature's front door: one named plugin that adds its schemas, caches, jobs and routes to the app.
 * It does not encapsulate (fastify-plugin), so its schemas and decorations are the app's.
 */
export function defineFeature({ name, dependencies, schemas = [], setup, routes }: FeatureParts) {
  return fp(
    async (app: FastifyInstance, { withRoutes = true }: FeatureOptions) => {
      for (const schema of schemas) app.addSchema(schema);
      setup?.(app);
      if (!withRoutes) return;
      for (const plugin of routes) await app.register(plugin as FastifyPluginAsync, { prefix: API_PREFIX });
    },
    { name, dependencies },
  );
}

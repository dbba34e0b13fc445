import { Type } from '../../shared/schema.ts';
import { type Static } from '@sinclair/typebox';

export const StatusSchema = Type.Object(
  {
    status: Type.Literal('ok'),
    version: Type.String(),
    time: Type.String({ format: 'date-time' }),
  },
  { $id: 'Status' },
);

const CheckSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('failing')]),
  detail: Type.String(),
});

export const ReadinessSchema = Type.Object(
  {
    status: Type.Literal('ready'),
    checks: Type.Object({ database: CheckSchema, migrations: CheckSchema, workers: CheckSchema }),
  },
  { $id: 'Readiness' },
);

export type Readiness = Static<typeof ReadinessSchema>;

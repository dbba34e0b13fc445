import { Type, Nullable } from '../../shared/schema.ts';
import { Demo } from '../calls/index.ts';

/** Stored matches are the comuni that can use the call; the detail endpoint explains the others. */
export const STORED_VERDICTS = ['eligible', 'eligible_via_aggregation'];

/** The call as an opportunity shows it: enough for a card or a table row, not its whole page. */
export const OpportunityCall = Type.Object({
  id: Type.String({ format: 'uuid' }),
  title: Type.String(),
  issuer: Type.String(),
  programme: Type.String(),
  measureCode: Nullable(Type.String()),
  themes: Type.Array(Type.String()),
  status: Type.String(),
  nextDeadline: Nullable(Type.String({ format: 'date-time' })),
  demo: Demo,
});

import type { EditorialStatus } from '../../plugins/db/schema.ts';

// The editorial workflow of a call, written once: the services refuse a move that is not here, and
// the editor page offers only the moves listed for the signed-in editor (`allowedActions`).

export const CALL_ACTIONS = ['submit', 'approve', 'publish', 'schedule', 'withdraw', 'archive'] as const;
export type CallAction = (typeof CALL_ACTIONS)[number];

export interface CallStep {
  from: EditorialStatus[];
  to: EditorialStatus;
  /** "Il bando è approvato: non si può {verb}." */
  verb: string;
  permission: 'calls:write' | 'calls:review';
}

/** Every move of a call between editorial states, and the permission it takes. */
export function callSteps(reviewRequired: boolean): Record<CallAction, CallStep> {
  // With review required, only an approved call goes live; without, an editor may publish a draft.
  const publishable: EditorialStatus[] = reviewRequired ? ['approved', 'scheduled'] : ['draft', 'in_review', 'approved', 'scheduled'];
  const unapproved = reviewRequired ? ' senza approvazione' : '';
  return {
    submit: { from: ['draft', 'withdrawn'], to: 'in_review', verb: 'mandare in revisione', permission: 'calls:write' },
    approve: { from: ['in_review'], to: 'approved', verb: 'approvare', permission: 'calls:review' },
    publish: { from: publishable, to: 'published', verb: `pubblicare${unapproved}`, permission: 'calls:review' },
    schedule: { from: publishable.filter((s) => s !== 'scheduled'), to: 'scheduled', verb: `programmare${unapproved}`, permission: 'calls:review' },
    withdraw: { from: ['published'], to: 'withdrawn', verb: 'ritirare', permission: 'calls:review' },
    archive: {
      from: ['draft', 'in_review', 'approved', 'scheduled', 'published', 'withdrawn'],
      to: 'archived',
      verb: 'archiviare',
      permission: 'calls:review',
    },
  };
}

export interface StepViewer {
  userId: string | null;
  canWrite: boolean;
  canReview: boolean;
  reviewRequired: boolean;
}

/**
 * What this editor may do with the call now. With review required, approval is not offered to
 * `barred` (who wrote or submitted the content under review: `barredApprovers`).
 */
export function allowedCallActions(status: EditorialStatus, viewer: StepViewer, barred: Set<string>): CallAction[] {
  const steps = callSteps(viewer.reviewRequired);
  const holds = (permission: CallStep['permission']) => (permission === 'calls:write' ? viewer.canWrite : viewer.canReview);
  return CALL_ACTIONS.filter((action) => {
    const step = steps[action];
    if (!step.from.includes(status) || !holds(step.permission)) return false;
    return action !== 'approve' || !viewer.reviewRequired || (viewer.userId !== null && !barred.has(viewer.userId));
  });
}

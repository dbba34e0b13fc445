import { describe, expect, it } from 'vitest';
import { STATUS_LABELS } from '@/composables/format';
import { CALL_STATUS_LABELS, CALL_STATUSES } from '../../server/src/modules/calls/calls.schemas.ts';

describe('the Italian words for a call’s status', () => {
  it('are the same in the SPA and in the files the server writes, for every status', () => {
    for (const status of CALL_STATUSES) expect(STATUS_LABELS[status], status).toBe(CALL_STATUS_LABELS[status]);
    expect(Object.keys(STATUS_LABELS).sort()).toEqual([...CALL_STATUSES].sort());
  });
});

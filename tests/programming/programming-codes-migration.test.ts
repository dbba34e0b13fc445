import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { down, up } from '../../migrations/2026_11_30_0600_programming_item_codes.ts';
import { useTestDatabase } from '../helpers/database.ts';
import { createComune } from '../helpers/identity.ts';

const ctx = useTestDatabase();

describe('migration 2026_11_30_0600_programming_item_codes', () => {
  it('gives every item without a code the next free code of its comune and year, then requires one', async () => {
    await down(ctx.db);
    await createComune(ctx.db, '019035', 'Crema');
    await createComune(ctx.db, '098031', 'Lodi');
    const item = (istat: string, title: string, startYear: number, code: string | null, minutesAgo: number) => ({
      comune_istat: istat,
      title,
      start_year: startYear,
      end_year: startYear,
      code: code as string,
      priority: 'medium' as const,
      status: 'planned' as const,
      funding_status: 'unfunded' as const,
      created_at: sql<Date>`now() - make_interval(mins => ${minutesAgo})`,
    });
    await ctx.db
      .insertInto('programming_items')
      .values([
        item('019035', 'Scelto dal comune', 2026, 'PT-2026-03', 50),
        item('019035', 'Dal modulo, primo', 2026, null, 40),
        item('019035', 'Dal modulo, secondo', 2026, null, 30),
        item('019035', 'Altro anno', 2027, null, 20),
        item('098031', 'Altro comune', 2026, null, 10),
      ])
      .execute();

    await up(ctx.db);

    const rows = await ctx.db.selectFrom('programming_items').select(['comune_istat', 'title', 'code']).orderBy('created_at').execute();
    expect(rows).toEqual([
      { comune_istat: '019035', title: 'Scelto dal comune', code: 'PT-2026-03' },
      { comune_istat: '019035', title: 'Dal modulo, primo', code: 'PT-2026-04' },
      { comune_istat: '019035', title: 'Dal modulo, secondo', code: 'PT-2026-05' },
      { comune_istat: '019035', title: 'Altro anno', code: 'PT-2027-01' },
      { comune_istat: '098031', title: 'Altro comune', code: 'PT-2026-01' },
    ]);
    await expect(
      ctx.db
        .insertInto('programming_items')
        .values(item('019035', 'Senza codice', 2026, null, 0))
        .execute(),
    ).rejects.toThrow(/null value in column "code"/);
  });
});

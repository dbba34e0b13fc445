import type { ItemRow } from './programming.queries.ts';

export const toProgrammingItem = (row: ItemRow) => ({
  id: row.id,
  istat: row.comune_istat,
  code: row.code,
  title: row.title,
  description: row.description,
  themes: row.themes,
  startYear: row.start_year,
  endYear: row.end_year,
  estimatedCost: row.estimated_cost,
  priority: row.priority,
  status: row.status,
  fundingStatus: row.funding_status,
  fundings: row.fundings,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

export type ProgrammingItem = ReturnType<typeof toProgrammingItem>;

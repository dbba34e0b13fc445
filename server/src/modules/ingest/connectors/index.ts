import type { Connector } from '../ingest.connector.ts';
import { csvTemplate } from './csv-template.ts';
import { italiadomani } from './italiadomani.ts';
import { lombardia } from './lombardia.ts';
import { padigitale2026 } from './padigitale2026.ts';
import { plone } from './plone.ts';
import { rss } from './rss.ts';

export const CONNECTORS: Record<string, Connector> = { padigitale2026, italiadomani, lombardia, plone, rss, csv: csvTemplate };
export const SOURCE_KINDS = Object.keys(CONNECTORS) as ['padigitale2026', 'italiadomani', 'lombardia', 'plone', 'rss', 'csv'];

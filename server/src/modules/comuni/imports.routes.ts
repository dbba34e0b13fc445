import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '../../shared/schema.ts';
import { recordAudit } from '../auth/index.ts';
import { badRequest } from '../../shared/domain-errors.ts';
import { problemResponses } from '../../plugins/openapi.ts';
import { importComuni } from './comuni.import.ts';
import { importIpa } from './ipa.import.ts';
import { importFundingHistory } from './funding-history.import.ts';

const IMPORTERS = {
  comuni: { run: importComuni, entity: 'comuni' },
  ipa: { run: importIpa, entity: 'comuni' },
  'funding-history': { run: importFundingHistory, entity: 'funding_awards' },
} as const;
const MAX_FILE_BYTES = 50 * 1024 * 1024;

/** The admin side of the CLI importers: the file is the request body, as text/csv. */
const importsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/imports/:kind',
    {
      bodyLimit: MAX_FILE_BYTES,
      config: { access: { permission: 'registry:manage' } },
      schema: {
        tags: ['comuni'],
        operationId: 'importRegistryFile',
        summary: 'Importa un file: comuni ISTAT (SITUAS o Elenco comuni), codici IPA, storico dei finanziamenti PA digitale 2026',
        description: 'Corpo: il file CSV con Content-Type text/csv (UTF-8 o Latin-1). Idempotente e transazionale.',
        consumes: ['text/csv'],
        params: Type.Object({ kind: Type.Union([Type.Literal('comuni'), Type.Literal('ipa'), Type.Literal('funding-history')]) }),
        response: {
          200: Type.Ref('ImportReport'),
          ...problemResponses({
            401: 'Non autenticato',
            403: 'Permessi insufficienti',
            415: 'Serve text/csv',
            422: 'File non riconosciuto o colonne mancanti',
          }),
        },
      },
    },
    async (request) => {
      if (!Buffer.isBuffer(request.body)) throw badRequest('CSV_REQUIRED', 'Invia il file come corpo della richiesta con Content-Type text/csv.');
      const importer = IMPORTERS[request.params.kind];
      return importer.run(app.db, request.body, {
        beforeCommit: (trx, report) =>
          recordAudit(trx, request, {
            action: `import.${request.params.kind}`,
            entity: importer.entity,
            changes: {
              created: report.created,
              updated: report.updated,
              unchanged: report.unchanged,
              superseded: report.superseded,
              rejected: report.rejected.length,
            },
          }),
      });
    },
  );
};

export default importsRoutes;

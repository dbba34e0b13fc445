import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { AVVISI_PNRR } from '../../../../seeds/avvisi-pnrr.ts';
import { requiredFlag, flagValues, UsageError, type CommandContext } from '../context.ts';
import { readComuniFile } from '../../modules/comuni/index.ts';
import { readFundingFile } from '../../modules/comuni/index.ts';
import { toCatalogue, toHistories } from './evaluation.data.ts';
import { evaluateMatching, type EvaluationReport } from './evaluation.ts';
import { loadRanker, RANKER_FILE } from '../../modules/matching/index.ts';

/** `eval matching`: needs no database, only the files it is given and the curated catalogue. */
export async function runEvaluationCommand(ctx: CommandContext): Promise<EvaluationReport> {
  if (ctx.args[0] !== 'matching') throw new UsageError('expected: eval matching');
  const [comuniFile, historyFile, truthFile] = [requiredFlag(ctx.flags, 'comuni'), requiredFlag(ctx.flags, 'history'), requiredFlag(ctx.flags, 'truth')];
  const [region] = flagValues(ctx.flags, 'region');
  if (region !== undefined && !/^\d{2}$/.test(region)) throw new UsageError('--region takes the two-digit ISTAT region code, e.g. 03');
  const [modelFile = RANKER_FILE] = flagValues(ctx.flags, 'model');
  const files = await loadEvaluationFiles(comuniFile, historyFile);
  const truth = truthFile === historyFile ? files.awards : await files.readAwards(truthFile);
  return evaluateMatching({ catalogue: files.catalogue, histories: files.histories, truth, region, model: loadRanker(modelFile) });
}

/** The registry, the funding history and the curated catalogue, as the evaluation and the training read them. */
export async function loadEvaluationFiles(comuniFile: string, historyFile: string) {
  const { records: comuni } = readComuniFile(await readFile(comuniFile));
  const lookup = { byIstat: new Set(comuni.map((c) => c.istat)), byIpa: new Map<string, string>() };
  const readAwards = async (file: string) => readFundingFile(await readFile(file), lookup, basename(file)).records;
  const awards = await readAwards(historyFile);
  return { catalogue: toCatalogue(AVVISI_PNRR.map((a) => a.call)), histories: toHistories(comuni, awards), awards, readAwards };
}

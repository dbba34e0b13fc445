import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { repoRoot } from '../../paths.ts';
import { RANKER_FILE } from '../../modules/matching/index.ts';
import { flagValues, requiredFlag, UsageError, type CommandContext } from '../context.ts';
import { loadEvaluationFiles } from '../evaluation/evaluation.command.ts';
import { trainRanker } from './training.ts';

const DEFAULT_COMUNI = resolve(repoRoot, '../shared/data/istat/comuni_situas_2026-06-09.csv');

/** `train matching --history <csv> [--comuni <csv>] [--out <json>]`: writes the ranker the matcher loads. */
export async function runTrainingCommand(ctx: CommandContext) {
  if (ctx.args[0] !== 'matching') throw new UsageError('expected: train matching');
  const historyFile = requiredFlag(ctx.flags, 'history');
  const [comuniFile = DEFAULT_COMUNI] = flagValues(ctx.flags, 'comuni');
  const [out = RANKER_FILE] = flagValues(ctx.flags, 'out');
  const { catalogue, histories } = await loadEvaluationFiles(comuniFile, historyFile);
  const sha256 = createHash('sha256')
    .update(await readFile(historyFile))
    .digest('hex');
  const model = trainRanker({ catalogue, histories, source: { history: basename(historyFile), sha256, comuni: basename(comuniFile) } });
  await writeFile(out, JSON.stringify(model, null, 2) + '\n');
  return { file: out, ...model };
}

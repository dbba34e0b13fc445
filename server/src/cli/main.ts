import { ConfigError, loadConfig } from '../plugins/config.ts';
import { COMMANDS } from './commands.ts';
import { contextFor, parseArgs, UsageError } from './context.ts';

function usage(): string {
  return ['usage: npm run cli -- <command>', ...Object.values(COMMANDS).map((c) => `  ${c.usage}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`${name ? `unknown command "${name}"\n` : ''}${usage()}\n`);
    return name ? 1 : 0;
  }
  const { args, flags } = parseArgs(rest);
  const json = flags.json === true;
  try {
    const config = loadConfig(process.env);
    const report = await command.run(contextFor(config, args, flags));
    const output = json ? JSON.stringify({ ok: true, ...report }) : command.print ? command.print(report) : JSON.stringify(report, null, 2);
    process.stdout.write(output + '\n');
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (json) process.stdout.write(JSON.stringify({ ok: false, error: message }) + '\n');
    else if (error instanceof UsageError) process.stderr.write(`${message}\nusage: npm run cli -- ${command.usage}\n`);
    else if (error instanceof ConfigError) process.stderr.write(`configuration error: ${message}\n`);
    else process.stderr.write(`error: ${message}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));

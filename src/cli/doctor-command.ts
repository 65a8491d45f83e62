import fs from 'node:fs';
import type {Config} from '../config.js';
import {createLlmBridge} from '../llm/create-bridge.js';
import {homePaths} from '../paths.js';
import {lockHolder} from '../host/lock.js';
import {openDb} from '../store/db.js';
import {GroupStore} from '../store/groups.js';
import {parseArgs, UsageError} from './args.js';
import type {CommandIo} from './main.js';
import {describeRuntime} from './launcher.js';

type Verdict = 'ok' | 'warn' | 'fail';

export const doctorHelp = `Usage
  $ babybot-tui doctor

Checks what a host needs, one line each (ok, warn, fail): Node, the home folder, whether a
host is running, Ollama and the model, the container runtime, whether gVisor is there (and if
not, the two steps that add it) and the agent image. Exits 1
when something fails. Works while a host runs.
`;

/** Checks what a host needs, one line each; exit 1 when something fails. Works while a host runs. */
export async function runDoctorCommand(args: string[], config: Config, io: CommandIo): Promise<number> {
	const {input} = parseArgs(args, {command: 'doctor', flags: {}});
	if (input.length > 0) throw new UsageError(`doctor takes no arguments, got "${input.join(' ')}": run \`babybot-tui doctor\``);
	const lines: Array<[Verdict, string]> = [];
	const add = (verdict: Verdict, text: string) => lines.push([verdict, text]);
	const major = Number(process.versions.node.split('.')[0]);
	add(major >= 22 ? 'ok' : 'fail', `node ${process.versions.node}${major >= 22 ? '' : ': BabyBot needs Node 22 or newer'}`);
	const paths = homePaths(config.home);
	try {
		fs.mkdirSync(config.home, {recursive: true});
		fs.accessSync(config.home, fs.constants.W_OK);
		const db = openDb(paths.dbFile);
		const groups = new GroupStore(db).all();
		db.close();
		add('ok', `home ${config.home} (${groups.length} group${groups.length === 1 ? '' : 's'})`);
	} catch (error) {
		add('fail', `home ${config.home}: ${(error as Error).message}`);
	}
	const holder = lockHolder(paths.lockFile);
	if (holder !== undefined) add('ok', `a host is running (pid ${holder})`);
	else add('ok', fs.existsSync(paths.lockFile) ? 'no host is running (a stale lock of a dead host is left; the next start replaces it)' : 'no host is running');
	const ollama = await createLlmBridge(config).probe();
	if (ollama.error) add(ollama.reachable ? 'warn' : 'fail', ollama.error);
	else add('ok', `Ollama ${ollama.version ?? ''} at ${config.ollamaBaseUrl}, model ${config.ollamaModel}${ollama.toolsSupported ? ' (tools)' : ''}`);
	const context = ollama.context;
	if (context) {
		const max = context.modelMax ? `model maximum ${context.modelMax}` : 'model maximum unknown';
		add('ok', `context: num_ctx ${context.numCtx} (${context.source}; ${max}), ${context.reserveTokens} kept for answers, keep_alive ${config.ollamaKeepAlive}, think ${config.ollamaThink}`);
		if (context.warning) add('warn', context.warning);
	}
	for (const [verdict, text] of await describeRuntime(config)) add(verdict, text);
	for (const [verdict, text] of lines) io.stdout.write(`${verdict.padEnd(4)} ${text}\n`);
	return lines.some(([verdict]) => verdict === 'fail') ? 1 : 0;
}

import fs from 'node:fs';
import type {Config} from '../config.js';
import {createLlmBridge} from '../llm/create-bridge.js';
import {homePaths} from '../paths.js';
import {lockHolder} from '../host/lock.js';
import {openDb} from '../store/db.js';
import {GroupStore} from '../store/groups.js';
import {MessageStore} from '../store/messages.js';
import {parseArgs, UsageError} from './args.js';
import type {CommandIo} from './main.js';
import {describeRuntime} from './launcher.js';

type Verdict = 'ok' | 'warn' | 'fail';

export const doctorHelp = `Usage
  $ babybot-tui doctor

Checks what a host needs, one line each (ok, warn, fail): Node, the home folder, the size of
the message history, whether a host is running, Ollama and the model, the container runtime,
whether gVisor is there (and if not, the two steps that add it) and the agent image. Exits 1
when something fails. Works while a host runs.
`;

/** `bytes` for a person: 512 B, 52 KB, 1.2 MB, 3.4 GB. */
export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	const units = ['KB', 'MB', 'GB', 'TB'];
	let value = bytes / 1024;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

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
		const history = new MessageStore(db).historySize();
		db.close();
		add('ok', `home ${config.home} (${groups.length} group${groups.length === 1 ? '' : 's'})`);
		const storeBytes = ['', '-wal'].reduce((sum, suffix) => sum + (fs.statSync(paths.dbFile + suffix, {throwIfNoEntry: false})?.size ?? 0), 0);
		add(
			'ok',
			`history ${history.messages} message${history.messages === 1 ? '' : 's'} (${formatBytes(history.textBytes)} of text) kept in a ${formatBytes(storeBytes)} store; runs, task logs and sent replies are pruned after ${config.retentionDays} days (RETENTION_DAYS)`,
		);
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

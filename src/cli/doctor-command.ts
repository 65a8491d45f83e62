import fs from 'node:fs';
import type {Config} from '../config.js';
import {createLlmBridge} from '../llm/create-bridge.js';
import {homePaths} from '../paths.js';
import type {RuntimeInfo} from '../api/host-api.js';
import {attachToRunningHost} from '../control/attach.js';
import {homeProblem} from '../control/control-dir.js';
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
the message history, whether a host is running (and answers on its control socket), Ollama and the model, the container
runtime, whether gVisor is there (and if not, the two steps that add it) and the agent image (as
the running host sees them). Exits 1 when something fails.
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

/** How much message history the store keeps (read beside a running host too). */
function historyLine(config: Config): [Verdict, string] {
	const paths = homePaths(config.home);
	try {
		const db = openDb(paths.dbFile);
		const history = new MessageStore(db).historySize();
		db.close();
		const storeBytes = ['', '-wal'].reduce((sum, suffix) => sum + (fs.statSync(paths.dbFile + suffix, {throwIfNoEntry: false})?.size ?? 0), 0);
		const messages = `${history.messages} message${history.messages === 1 ? '' : 's'}`;
		return ['ok', `history ${messages} (${formatBytes(history.textBytes)} of text) kept in a ${formatBytes(storeBytes)} store; runs, task logs and sent replies are pruned after ${config.retentionDays} days (RETENTION_DAYS)`];
	} catch (error) {
		return ['warn', `history: the store could not be read (${(error as Error).message})`];
	}
}

/** The home's folder and store, opened here (no host runs). */
function checkHomeStore(config: Config, add: (verdict: Verdict, text: string) => void): void {
	try {
		fs.mkdirSync(config.home, {recursive: true});
		fs.accessSync(config.home, fs.constants.W_OK);
		const problem = homeProblem(config.home, fs.statSync(config.home));
		if (problem) return add('fail', problem);
		const db = openDb(homePaths(config.home).dbFile);
		const groups = new GroupStore(db).all();
		db.close();
		add('ok', `home ${config.home} (${groups.length} group${groups.length === 1 ? '' : 's'})`);
	} catch (error) {
		add('fail', `home ${config.home}: ${(error as Error).message}`);
	}
}

/** The runtime lines as the running host sees its runtime. */
function hostRuntimeLines(runtime: RuntimeInfo): Array<[Verdict, string]> {
	if (!runtime.sandboxed) return [['warn', `the host runs agents with runtime none: UNSANDBOXED on this machine`]];
	return [['ok', `runtime ${runtime.name} (the host's)`], runtime.imageStale ? ['fail', runtime.imageStale] : ['ok', 'the agent image matches the agent-runner']];
}

/** Checks what a host needs, one line each; exit 1 when something fails. Goes through the running host, if one runs. */
export async function runDoctorCommand(args: string[], config: Config, io: CommandIo): Promise<number> {
	const {input} = parseArgs(args, {command: 'doctor', flags: {}});
	if (input.length > 0) throw new UsageError(`doctor takes no arguments, got "${input.join(' ')}": run \`babybot-tui doctor\``);
	const lines: Array<[Verdict, string]> = [];
	const add = (verdict: Verdict, text: string) => lines.push([verdict, text]);
	const major = Number(process.versions.node.split('.')[0]);
	add(major >= 22 ? 'ok' : 'fail', `node ${process.versions.node}${major >= 22 ? '' : ': BabyBot needs Node 22 or newer'}`);
	const paths = homePaths(config.home);
	const host = await attachToRunningHost({paths, waitMs: 2000}).catch((error: Error) => error);
	const attached = host instanceof Error ? undefined : host;
	if (attached) {
		const {groups, runtime} = attached.snapshot();
		attached.close();
		add('ok', `home ${config.home} (${groups.length} group${groups.length === 1 ? '' : 's'})`);
		lines.push(historyLine(config));
		add('ok', `a host is running (pid ${attached.pid}), answering on ${paths.socketFile}`);
		lines.push(...hostRuntimeLines(runtime));
	} else {
		checkHomeStore(config, add);
		if (!lines.some(([verdict, text]) => verdict === 'fail' && text.startsWith('home '))) lines.push(historyLine(config));
		if (host instanceof Error) add('warn', host.message);
		else add('ok', fs.existsSync(paths.lockFile) ? 'no host is running (a stale lock of a dead host is left; the next start replaces it)' : 'no host is running');
	}
	const ollama = await createLlmBridge(config).probe();
	if (ollama.error) add(ollama.reachable ? 'warn' : 'fail', ollama.error);
	else add('ok', `Ollama ${ollama.version ?? ''} at ${config.ollamaBaseUrl}, model ${config.ollamaModel}${ollama.toolsSupported ? ' (tools)' : ''}`);
	const context = ollama.context;
	if (context) {
		const max = context.modelMax ? `model maximum ${context.modelMax}` : 'model maximum unknown';
		add('ok', `context: num_ctx ${context.numCtx} (${context.source}; ${max}), ${context.reserveTokens} kept for answers, keep_alive ${config.ollamaKeepAlive}, think ${config.ollamaThink}`);
		if (context.warning) add('warn', context.warning);
	}
	if (!attached) for (const [verdict, text] of await describeRuntime(config)) add(verdict, text);
	for (const [verdict, text] of lines) io.stdout.write(`${verdict.padEnd(4)} ${text}\n`);
	return lines.some(([verdict]) => verdict === 'fail') ? 1 : 0;
}

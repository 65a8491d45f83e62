import fs from 'node:fs';
import type {Config} from '../config.js';
import {LlmBridge} from '../llm-bridge.js';
import {homePaths} from '../paths.js';
import {openDb} from '../store/db.js';
import {GroupStore} from '../store/groups.js';
import type {CommandIo} from './main.js';
import {describeRuntime} from './launcher.js';

type Verdict = 'ok' | 'warn' | 'fail';

/** Checks what a host needs, one line each; exit 1 when something fails. Works while a host runs. */
export async function runDoctorCommand(_args: string[], config: Config, io: CommandIo): Promise<number> {
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
	const lock = fs.existsSync(paths.lockFile) ? fs.readFileSync(paths.lockFile, 'utf8').trim() : '';
	add('ok', lock ? `a host is running (pid ${lock})` : 'no host is running');
	const ollama = await new LlmBridge({baseUrl: config.ollamaBaseUrl, model: config.ollamaModel}).probe();
	if (ollama.error) add(ollama.reachable ? 'warn' : 'fail', ollama.error);
	else add('ok', `Ollama ${ollama.version ?? ''} at ${config.ollamaBaseUrl}, model ${config.ollamaModel}${ollama.toolsSupported ? ' (tools)' : ''}`);
	for (const [verdict, text] of await describeRuntime(config)) add(verdict, text);
	for (const [verdict, text] of lines) io.stdout.write(`${verdict.padEnd(4)} ${text}\n`);
	return lines.some(([verdict]) => verdict === 'fail') ? 1 : 0;
}

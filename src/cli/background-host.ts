// Hands the host to a background process: a detached `babybot-tui --headless` for the same home,
// its output in the home's logs, its pid in the home's lock file.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import type {Config} from '../config.js';
import {attachToRunningHost} from '../control/attach.js';
import {homePaths} from '../paths.js';
import {binPath} from '../service/service-files.js';

/** Starts it and waits until it answers on the control socket; resolves with its pid. */
export async function startBackgroundHost(config: Config, timeoutMs = 60_000): Promise<number> {
	const paths = homePaths(config.home);
	fs.mkdirSync(paths.logsDir, {recursive: true});
	const logFile = paths.backgroundLogFile;
	const out = fs.openSync(logFile, 'a');
	const child = spawn(process.execPath, [binPath, '--headless', '--home', config.home], {detached: true, stdio: ['ignore', out, out]});
	fs.closeSync(out);
	child.unref();
	let exited: string | undefined;
	child.once('exit', (code, signal) => (exited = `it exited (${signal ?? `status ${code}`})`));
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline && exited === undefined) {
		const remote = await attachToRunningHost({paths, waitMs: 1000}).catch(() => undefined);
		if (remote) {
			remote.close();
			return remote.pid;
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`the background host did not start (${exited ?? 'no answer'}): see ${logFile}`);
}

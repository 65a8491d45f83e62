// Benchmark: resident memory of an idle headless host (the real binary, its own process).
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {projectRoot} from '../src/config.js';
import {traversableTempDir} from '../test/support/traversable-dir.js';

export function rssMb(pid: number): number {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
	return Math.round((kb / 1024) * 10) / 10;
}

export interface BenchHost {
	pid: number;
	home: string;
	/** SIGTERM, wait, and remove its temp folder. */
	stop(): Promise<void>;
}

/** Starts `babybot-tui --headless` on a temp home (runtime none) and waits until it says it runs. */
export async function startBenchHost(ollamaUrl: string, logLevel = 'warn'): Promise<BenchHost> {
	const root = traversableTempDir('babybot-rss-bench-');
	const home = path.join(root, 'home');
	const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'babybot-tui.js'), '--headless'], {
		env: {PATH: process.env.PATH, HOME: root, BABYBOT_HOME: home, MOUNT_ALLOWLIST_PATH: path.join(root, 'allowlist.json'), OLLAMA_BASE_URL: ollamaUrl, CONTAINER_RUNTIME: 'none', LOG_LEVEL: logLevel},
		stdio: ['ignore', 'ignore', 'pipe'],
	});
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			const closed = new Promise((resolve) => child.once('close', resolve));
			child.kill('SIGTERM');
			await closed;
		}
		fs.rmSync(root, {recursive: true, force: true});
	};
	try {
		await new Promise<void>((resolve, reject) => {
			let text = '';
			child.stderr.on('data', (chunk) => {
				text += chunk;
				if (text.includes('host running headless')) resolve();
			});
			child.once('exit', (code) => reject(new Error(`the headless host exited with ${code}: ${text.trim()}`)));
		});
	} catch (error) {
		await stop();
		throw error;
	}
	return {pid: child.pid!, home, stop};
}

/** Starts a headless host, lets it settle, then reads its RSS. */
export async function measureIdleRss(ollamaUrl: string, settleMs = 3000): Promise<number | {value: null; reason: string}> {
	if (!fs.existsSync('/proc/self/status')) return {value: null, reason: 'no /proc on this system'};
	const host = await startBenchHost(ollamaUrl);
	try {
		await new Promise((resolve) => setTimeout(resolve, settleMs));
		return rssMb(host.pid);
	} finally {
		await host.stop();
	}
}

// Benchmark: message stored → first agent output at the channel, through the whole host, with the
// scripted Ollama server answering at once. Cold = a new sandbox per message; warm = a follow-up
// written into a live one.
import {execFile} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {promisify} from 'node:util';
import {startScriptedOllama} from '../test/support/ollama-server.js';
import {loadConfig, type Config} from '../src/config.js';
import {createHost, type Host} from '../src/host/create-host.js';
import {createLauncher} from '../src/runtimes/detect.js';
import type {OciEngine, RuntimeName} from '../src/api/types.js';
import {percentiles, type Percentiles} from './ipc-bench.js';
import {traversableTempDir} from '../test/support/traversable-dir.js';

const run = promisify(execFile);

export interface E2eResult {
	cold: Percentiles;
	warm: Percentiles;
}

/** A host in this process on a temp home, answering through a scripted Ollama server that says "pong". */
export async function withHost<T>(runtime: RuntimeName, idleTimeoutMs: number, body: (host: Host, config: Config) => Promise<T>, env: Record<string, string> = {}, engine?: OciEngine): Promise<T> {
	const root = traversableTempDir('babybot-e2e-bench-');
	const ollama = await startScriptedOllama({fallback: () => ({content: 'pong'}), chunkSize: 64, keepRequests: false});
	const config = loadConfig({
		env: {
			BABYBOT_HOME: path.join(root, 'home'),
			MOUNT_ALLOWLIST_PATH: path.join(root, 'allowlist.json'),
			OLLAMA_BASE_URL: ollama.url,
			CONTAINER_RUNTIME: runtime,
			CONTAINER_IDLE_TIMEOUT: String(idleTimeoutMs),
			LOG_LEVEL: 'warn',
			TZ: 'UTC',
			...(process.env.CONTAINER_IMAGE ? {CONTAINER_IMAGE: process.env.CONTAINER_IMAGE} : {}),
			...env,
		},
	});
	const host = await createHost({config, launcher: createLauncher(runtime, {timezone: config.timezone, engine})});
	await host.start();
	try {
		return await body(host, config);
	} finally {
		await host.stop();
		await ollama.close();
		fs.rmSync(root, {recursive: true, force: true});
	}
}

/** Time from storing a local message to its first reply at the local channel. */
async function timeToFirstOutput(host: Host, text: string): Promise<number> {
	const replied = new Promise<number>((resolve) => {
		const off = host.local.onReply(() => {
			off();
			resolve(performance.now());
		});
	});
	const start = performance.now();
	await host.sendLocalMessage('main', text);
	return (await replied) - start;
}

/** Resolves once every run of the host has ended. */
export function runsEnded(host: Host): Promise<void> {
	return new Promise((resolve) => {
		const check = () => {
			if (host.snapshot().runs.every((r) => r.state === 'ended')) {
				off();
				resolve();
			}
		};
		const off = host.events.on('change', ({part}) => part === 'runs' && check());
		check();
	});
}

export async function measureE2e(runtime: RuntimeName, iterations: {cold: number; warm: number}, engine?: OciEngine): Promise<E2eResult> {
	const cold = await withHost(runtime, 1, async (host) => {
		const samples: number[] = [];
		for (let i = 0; i <= iterations.cold; i++) {
			const ms = await timeToFirstOutput(host, `cold ${i}`);
			if (i > 0) samples.push(ms); // the first one warms caches
			await runsEnded(host);
		}
		return samples;
	}, {}, engine);
	const warm = await withHost(runtime, 600_000, async (host) => {
		const samples: number[] = [];
		for (let i = 0; i <= iterations.warm; i++) {
			const ms = await timeToFirstOutput(host, `warm ${i}`);
			if (i > 0) samples.push(ms);
			// the turn is done once the run is idle again
			await new Promise<void>((resolve) => {
				const check = () => host.snapshot().runs.some((r) => r.state === 'idle') && (off(), resolve());
				const off = host.events.on('change', check);
				check();
			});
		}
		return samples;
	}, {}, engine);
	return {cold: percentiles(cold), warm: percentiles(warm)};
}

/** A bare `ENGINE run --rm` (`run` = its argv up to the options, e.g. `docker run --runtime runsc`) of the agent image running `node -e 0`. */
export async function measureBareRunBaseline(bareRun: string[], image: string, iterations: number): Promise<Percentiles> {
	const samples: number[] = [];
	for (let i = 0; i <= iterations; i++) {
		const start = performance.now();
		await run(bareRun[0], [...bareRun.slice(1), '--rm', '--network', 'none', image, 'node', '-e', '0']);
		if (i > 0) samples.push(performance.now() - start);
	}
	return percentiles(samples);
}

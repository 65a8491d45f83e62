// Benchmark: IPC round trip, from a request renamed into ipc/<group>/messages/ to its ack on disk
// as the agent sees it (fs.watch on acks/). Aim: p50 under 50 ms.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {ensureGroupIpc} from '../src/ipc/ipc-layout.js';
import type {IpcHandlers} from '../src/ipc/ipc-types.js';
import {createIpcWatcher} from '../src/ipc/ipc-watcher.js';
import {silentLogger} from '../src/logger.js';
import type {RegisteredGroup} from '../src/api/types.js';

export interface Percentiles {
	p50: number;
	p95: number;
}

export function percentiles(samples: number[]): Percentiles {
	const sorted = [...samples].sort((a, b) => a - b);
	const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
	return {p50: at(0.5), p95: at(0.95)};
}

const main: RegisteredGroup = {
	jid: 'local:main',
	name: 'main',
	folder: 'main',
	trigger: '@Baby',
	requiresTrigger: false,
	isMain: true,
	addedAt: new Date(0).toISOString(),
	extraMounts: [],
	network: false,
};

function waitForFile(dir: string, name: string): Promise<void> {
	return new Promise((resolve) => {
		const watcher = fs.watch(dir, (_event, changed) => {
			if (changed?.toString() === name && fs.existsSync(path.join(dir, name))) done();
		});
		const done = () => {
			watcher.close();
			resolve();
		};
		if (fs.existsSync(path.join(dir, name))) done();
	});
}

/** Times `iterations` message round trips through the real watcher (fs.watch, files, acks). */
export async function measureIpcAck(iterations = 100): Promise<Percentiles> {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'babybot-ipc-bench-'));
	const ipcDir = path.join(root, 'ipc');
	const groupDir = ensureGroupIpc(ipcDir, 'main').root;
	const reply = () => 'sent';
	const handlers: IpcHandlers = {
		sendMessage: reply,
		scheduleTask: reply,
		manageTask: reply,
		registerGroup: reply,
		refreshGroups: reply,
		listTasks: reply,
		requestMount: reply,
	};
	const watcher = createIpcWatcher({ipcDir, errorsDir: path.join(ipcDir, 'errors'), handlers, groups: () => [main], findTask: () => undefined, logger: silentLogger()});
	await watcher.start();
	const samples: number[] = [];
	try {
		for (let i = 0; i < iterations; i++) {
			const name = `${Date.now()}-${i}.json`;
			const acksDir = path.join(groupDir, 'acks');
			const acked = waitForFile(acksDir, name);
			const temp = path.join(groupDir, 'messages', `.tmp-${name}`);
			fs.writeFileSync(temp, JSON.stringify({type: 'message', chatJid: 'local:main', text: `ping ${i}`}));
			const start = performance.now();
			fs.renameSync(temp, path.join(groupDir, 'messages', name));
			await acked;
			samples.push(performance.now() - start);
			fs.rmSync(path.join(acksDir, name), {force: true});
		}
	} finally {
		await watcher.stop();
		fs.rmSync(root, {recursive: true, force: true});
	}
	return percentiles(samples);
}

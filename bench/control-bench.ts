// Benchmarks of the control socket: an event's latency to a client attached from another process
// against an in-process listener, the snapshot of a busy host over the socket, and the host's RSS
// with three attached clients.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type {HostEmitter} from '../src/api/host-emitter.js';
import {projectRoot} from '../src/config.js';
import {serveControlSocket} from '../src/control/control-server.js';
import {connectToHost, type RemoteHost} from '../src/control/remote-host.js';
import {homePaths} from '../src/paths.js';
import {openDb} from '../src/store/db.js';
import {MessageStore} from '../src/store/messages.js';
import {RunStore} from '../src/store/runs.js';
import {withHost} from './e2e-bench.js';
import {percentiles, type Percentiles} from './ipc-bench.js';
import {rssMb, startBenchHost} from './rss-bench.js';

const wallClock = () => performance.timeOrigin + performance.now();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The attached client: another process that reports how long each `delta` took to reach it. */
const clientScript = `
const {connectToHost} = await import(process.env.BABYBOT_DIST + '/src/control/remote-host.js');
const remote = await connectToHost({socketFile: process.env.SOCKET});
const samples = [];
remote.events.on('delta', ({text}) => {
	samples.push(performance.timeOrigin + performance.now() - Number(text));
	if (samples.length === Number(process.env.COUNT)) {
		process.stdout.write(JSON.stringify(samples) + '\\n');
		remote.close();
	}
});
process.stdout.write('ready\\n');
`;

export interface EventLatency {
	inProcess: Percentiles;
	attached: Percentiles;
}

/** `count` delta events, 5 ms apart, to an in-process listener and to a client attached from another process. */
export async function measureEventLatency(count: number): Promise<EventLatency> {
	return withHost('none', 60_000, async (host, config) => {
		const server = await serveControlSocket({host, paths: homePaths(config.home)});
		const script = path.join(config.home, 'latency-client.mjs');
		fs.writeFileSync(script, clientScript);
		const child = spawn(process.execPath, [script], {env: {...process.env, BABYBOT_DIST: path.join(projectRoot, 'dist'), SOCKET: server.socketFile, COUNT: String(count)}, stdio: ['ignore', 'pipe', 'inherit']});
		const lines = readline.createInterface({input: child.stdout})[Symbol.asyncIterator]();
		await lines.next();
		const inProcess: number[] = [];
		let sentAt = 0;
		host.events.on('delta', () => inProcess.push(wallClock() - sentAt));
		for (let i = 0; i < count; i++) {
			sentAt = wallClock();
			(host.events as HostEmitter).emit('delta', {groupFolder: 'main', chatJid: 'local:main', text: String(sentAt)});
			await pause(5);
		}
		const attached = JSON.parse(String((await lines.next()).value)) as number[];
		await server.close();
		return {inProcess: percentiles(inProcess), attached: percentiles(attached)};
	});
}

export interface SnapshotOverSocket {
	/** Connect, hello, and the welcome with the whole snapshot, parsed. */
	attachMs: Percentiles;
	inProcessMs: Percentiles;
	snapshotBytes: number;
}

/** A host whose store holds 1,000 messages over 100 chats and 100 runs: its snapshot in process and over the socket. */
export async function measureSnapshotOverSocket(samples: number): Promise<SnapshotOverSocket> {
	return withHost('none', 60_000, async (host, config) => {
		const db = openDb(homePaths(config.home).dbFile);
		const messages = new MessageStore(db);
		const runs = new RunStore(db);
		for (let i = 0; i < 1000; i++) {
			const chatJid = `12036300000000${String(i % 100).padStart(4, '0')}@g.us`;
			if (i < 100) messages.upsertChat({jid: chatJid, name: `chat ${i}`, channel: 'whatsapp', isGroup: true, at: new Date().toISOString()});
			messages.insert({id: `m-${i}`, chatJid, sender: 'someone@s.whatsapp.net', senderName: 'Someone', content: `message ${i} `.repeat(10), timestamp: new Date().toISOString(), fromMe: false, isBotMessage: false});
		}
		for (let i = 0; i < 100; i++) {
			const at = new Date(Date.now() - i * 1000).toISOString();
			runs.save({id: `run-${i}`, groupFolder: 'main', runtime: 'none', containerName: `babybot-main-${i}`, startedAt: at, lastOutputAt: at, endedAt: at, state: 'ended', endReason: 'idle', error: null, argv: ['node', 'agent-runner.js', '--a-long-argument'], mounts: [{hostPath: '/home/me/.babybot/groups/main', containerPath: '/workspace/group', readonly: false}]});
		}
		db.close();
		const server = await serveControlSocket({host, paths: homePaths(config.home)});
		const attach: number[] = [];
		const local: number[] = [];
		for (let i = 0; i < samples; i++) {
			const start = performance.now();
			const remote = await connectToHost({socketFile: server.socketFile});
			attach.push(performance.now() - start);
			remote.close();
			const before = performance.now();
			host.snapshot();
			local.push(performance.now() - before);
		}
		const bytes = Buffer.byteLength(JSON.stringify(host.snapshot()));
		await server.close();
		return {attachMs: percentiles(attach), inProcessMs: percentiles(local), snapshotBytes: bytes};
	});
}

/** RSS of a headless host (the real binary) with three clients attached as UIs (log tail followed), after 20 answered chats. */
export async function measureRssWithClients(ollamaUrl: string): Promise<number | {value: null; reason: string}> {
	if (!fs.existsSync('/proc/self/status')) return {value: null, reason: 'no /proc on this system'};
	const host = await startBenchHost(ollamaUrl, 'info');
	const clients: RemoteHost[] = [];
	try {
		for (let i = 0; i < 3; i++) clients.push(await connectToHost({socketFile: homePaths(host.home).socketFile, logTail: 20_000}));
		for (let i = 0; i < 20; i++) {
			const turn = new Promise((resolve) => clients[0].events.on('turn', resolve));
			await clients[i % 3].sendLocalMessage('main', `message ${i}`);
			await turn;
		}
		await pause(3000);
		return rssMb(host.pid);
	} finally {
		for (const client of clients) client.close();
		await host.stop();
	}
}

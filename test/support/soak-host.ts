// A whole host (the built dist/) in its own process on a clock the test moves: the scheduler,
// outbox, retention, log times, runs and WhatsApp's timers all read it, and `advance` fires its
// timers in order, letting the host finish what each one started before time moves on. WhatsApp
// is the fake socket. Driven over stdin, reporting on stdout as JSON lines, so a test can SIGKILL
// it at any moment and start another on the same home.
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import {pathToFileURL} from 'node:url';
import {projectRoot} from '../../src/config.js';

const script = `
import readline from 'node:readline';
const dist = process.env.BABYBOT_DIST;
const support = JSON.parse(process.env.SOAK_SUPPORT);
const {loadConfig} = await import(dist + '/src/config.js');
const {createHost} = await import(dist + '/src/host/create-host.js');
const {createLauncher} = await import(dist + '/src/runtimes/detect.js');
const {LogStore} = await import(dist + '/src/log-store.js');
const {FakeClock} = await import(support.fakeClock);
const {FakeSocketFactory, waMessage} = await import(support.fakeSocket);

const say = (event) => process.stdout.write(JSON.stringify(event) + '\\n');
const clock = new FakeClock(Number(process.env.SOAK_START));
const waClock = {now: () => clock.now(), setTimeout: (fn, ms) => clock.setTimer(fn, ms), clearTimeout: (cancel) => typeof cancel === 'function' && cancel()};
let online = true;
const factory = new FakeSocketFactory();
async function socketFactory(options) {
	const socket = await factory.create(options);
	const send = socket.sendMessage.bind(socket);
	socket.sendMessage = async (jid, content, sendOptions) => {
		const sent = await send(jid, content, sendOptions);
		say({type: 'wa-sent', jid, text: content.text, at: clock.now()});
		return sent;
	};
	setImmediate(() => (online ? socket.open() : socket.close(428)));
	return socket;
}
const config = loadConfig();
const logs = new LogStore(Number(process.env.SOAK_LOG_RING));
const host = await createHost({
	config,
	launcher: createLauncher(config.containerRuntime, {timezone: config.timezone}),
	logStore: logs,
	clock,
	whatsapp: {socketFactory, fetchVersion: async () => [2, 3000, 1], clock: waClock, random: () => 0.5, limits: {sendIntervalMs: 0, sendJitterMs: 0}},
});
const stored = new Set();
host.events.on('message', ({message}) => stored.add(message.id));
await host.start();

const tick = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Until the host is quiet \`rounds\` checks in a row (a check sleeps only when it is not). */
async function settle(rounds = 2) {
	for (let calm = 0; calm < rounds; ) {
		await tick();
		await tick();
		if (host.quiet()) calm++;
		else {
			calm = 0;
			await sleep(3);
		}
	}
}
async function advance(to) {
	await settle(3);
	for (;;) {
		const next = clock.pending().filter((at) => at <= to).sort((a, b) => a - b)[0];
		if (next === undefined) break;
		clock.advanceTo(next);
		await settle();
	}
	clock.advanceTo(to);
	await settle();
}
async function until(check, what) {
	const deadline = Date.now() + 20_000;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('timed out waiting for ' + what());
		await sleep(2);
	}
}
say({type: 'ready', pid: process.pid, now: clock.now()});
for await (const line of readline.createInterface({input: process.stdin})) {
	const command = JSON.parse(line);
	try {
		switch (command.type) {
			case 'advance':
				await advance(command.to);
				say({type: 'advanced', now: clock.now()});
				break;
			case 'settle':
				await settle(3);
				say({type: 'settled'});
				break;
			case 'wa-in': {
				// WhatsApp delivers to a connected client only (a reconnect may still be under way).
				await until(() => host.snapshot().whatsapp.status === 'paired', () => 'WhatsApp to connect (' + JSON.stringify(host.snapshot().whatsapp) + ')');
				factory.current.upsert(command.messages.map((m) => waMessage({id: m.id, remoteJid: m.jid, participant: m.participant, pushName: m.name, text: m.text, seconds: Math.floor(m.at / 1000)})));
				await until(
					() => command.messages.every((m) => stored.has(m.id)),
					() => 'messages to be stored: ' + command.messages.filter((m) => !stored.has(m.id)).slice(0, 3).map((m) => m.id + ' ' + m.jid + ' ' + m.text.slice(0, 30)).join(', ') + ' (whatsapp ' + JSON.stringify(host.snapshot().whatsapp) + ', groups ' + host.snapshot().groups.map((g) => g.folder).join(',') + ')',
				);
				say({type: 'wa-stored', ids: command.messages.length});
				break;
			}
			case 'wa-offline':
				online = false;
				factory.current.close(428);
				await settle();
				say({type: 'wa-offline'});
				break;
			case 'wa-online':
				online = true;
				say({type: 'wa-online'});
				break;
			case 'register':
				await host.registerGroup(command.group);
				say({type: 'registered'});
				break;
			case 'unregister':
				await host.unregisterGroup(command.folder);
				say({type: 'unregistered'});
				break;
			case 'resume':
				await host.resumeTask(command.taskId);
				say({type: 'resumed'});
				break;
			case 'tasks':
				say({type: 'tasks', tasks: host.snapshot().tasks, now: clock.now()});
				break;
			case 'stats': {
				// Idle first (as a host is between messages), so the heap can shrink back before it is measured.
				await sleep(command.idleMs ?? 0);
				global.gc?.();
				global.gc?.();
				const last = logs.at(logs.size - 1);
				say({type: 'stats', ...process.memoryUsage(), ringSize: logs.size, ringCapacity: logs.capacity, linesLogged: last ? last.seq : 0});
				break;
			}
			case 'stop':
				await host.stop();
				say({type: 'stopped'});
				process.exit(0);
		}
	} catch (error) {
		say({type: 'error', command: command.type, message: error.message});
	}
}
`;

export interface SoakEvent {
	type: string;
	[key: string]: unknown;
}

export interface SoakHost {
	pid: number;
	/** Sends a command and resolves with the first event of type `answer` after it. */
	request(command: Record<string, unknown>, answer: string, timeoutMs?: number): Promise<SoakEvent>;
	/** Sends a command without waiting for anything. */
	send(command: Record<string, unknown>): void;
	stderr(): string;
	/** A graceful stop (`host.stop()`), waiting for the exit. */
	stop(): Promise<void>;
	/** SIGKILL, waiting for the exit. */
	kill(): Promise<void>;
}

export interface SoakHostOptions {
	dir: string;
	env: NodeJS.ProcessEnv;
	/** The clock's time at start (epoch ms). */
	start: number;
	/** Lines the log ring keeps. */
	logRing: number;
	/** Every event of every host, in order (WhatsApp sends, turns, …). */
	onEvent(event: SoakEvent): void;
	nodeArgs?: string[];
}

export async function startSoakHost(options: SoakHostOptions): Promise<SoakHost> {
	const file = path.join(options.dir, 'soak-host.mjs');
	fs.writeFileSync(file, script);
	const support = {
		fakeClock: pathToFileURL(path.join(projectRoot, 'test', 'scheduler', 'fake-clock.ts')).href,
		fakeSocket: pathToFileURL(path.join(projectRoot, 'test', 'whatsapp', 'fake-socket.ts')).href,
	};
	const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [...(options.nodeArgs ?? []), file], {
		env: {...options.env, BABYBOT_DIST: path.join(projectRoot, 'dist'), SOAK_SUPPORT: JSON.stringify(support), SOAK_START: String(options.start), SOAK_LOG_RING: String(options.logRing)},
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let stderr = '';
	child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-20_000)));
	const waiting: Array<{type: string; resolve(event: SoakEvent): void}> = [];
	readline.createInterface({input: child.stdout}).on('line', (line) => {
		let event: SoakEvent;
		try {
			event = JSON.parse(line) as SoakEvent;
		} catch {
			return;
		}
		options.onEvent(event);
		const index = waiting.findIndex((wait) => wait.type === event.type || event.type === 'error');
		if (index >= 0) waiting.splice(index, 1)[0]!.resolve(event);
	});
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const next = (type: string, timeoutMs: number) =>
		new Promise<SoakEvent>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`the soak host sent no ${type} in ${timeoutMs} ms; stderr: ${stderr.slice(-3000)}`)), timeoutMs);
			const wait = {type, resolve: (event: SoakEvent) => (clearTimeout(timer), resolve(event))};
			waiting.push(wait);
			void exited.then(() => {
				if (!waiting.includes(wait)) return;
				waiting.splice(waiting.indexOf(wait), 1);
				clearTimeout(timer);
				reject(new Error(`the soak host exited while waiting for ${type}; stderr: ${stderr.slice(-3000)}`));
			});
		});
	const send = (command: Record<string, unknown>) => child.stdin.write(JSON.stringify(command) + '\n');
	const ready = await next('ready', 60_000);
	const request = async (command: Record<string, unknown>, answer: string, timeoutMs = 60_000) => {
		const reply = next(answer, timeoutMs);
		send(command);
		const event = await reply;
		if (event.type === 'error') throw new Error(`soak host: ${String(event.command)} failed: ${String(event.message)}`);
		return event;
	};
	return {
		pid: Number(ready.pid),
		request,
		send,
		stderr: () => stderr,
		async stop() {
			send({type: 'stop'});
			await exited;
		},
		async kill() {
			child.kill('SIGKILL');
			await exited;
		},
	};
}

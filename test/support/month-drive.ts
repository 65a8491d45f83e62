// Plays a month plan (month-plan.ts) against real host processes on one home: the soak host on a
// clock the driver moves, the real agent-runner (runtime none), the scripted Ollama server, the
// fake WhatsApp socket. Records what a user would see: every WhatsApp send, every task run.
import fs from 'node:fs';
import path from 'node:path';
import {homePaths} from '../../src/paths.js';
import {writePairedCredentials} from './paired-credentials.js';
import {requestIpc} from './ipc-request.js';
import {groups, timezone, type MonthPlan, type PlanEvent, type PlanMessage} from './month-plan.js';
import {startScriptedOllama, type ChatRequestBody, type ScriptedReply} from './ollama-server.js';
import {startSoakHost, type SoakEvent, type SoakHost} from './soak-host.js';
import {traversableTempDir} from './traversable-dir.js';

export interface HostStats {
	at: number;
	rss: number;
	heapUsed: number;
	ringSize: number;
	ringCapacity: number;
	linesLogged: number;
}

export interface MonthRecord {
	home: string;
	/** Every message the fake WhatsApp sockets sent, in order. */
	sent: Array<{jid: string; text: string; at: number}>;
	/** Model requests per task id (each is one run of the task). */
	taskRuns: Map<string, number>;
	/** Task ids by plan name. */
	taskIds: Map<string, string>;
	stats: HostStats[];
	/** The tasks as the last host saw them, at the end. */
	finalTasks: Array<{id: string; status: string; nextRun: string | null; lastResult: string | null}>;
	hostStarts: number;
	seconds: number;
}

export interface DriveOptions {
	/** Where the home and the host scripts go (removed by the caller). */
	dir: string;
	/** Extra settings for the hosts (named like the environment variables). */
	env?: Record<string, string>;
	logRing?: number;
	/** Called with what the month is doing, for a progress line. */
	progress?: (text: string) => void;
	/** Real time the host idles before its first and last samples (so its heap can shrink back). */
	idleSampleMs?: number;
	/** Samples the host's memory and the store after the first settle, every few days, and at the end. */
	onSample?: (stats: HostStats, home: string) => void;
}

const hold = /hold-\d+/;

export async function driveMonth(plan: MonthPlan, options: DriveOptions): Promise<MonthRecord> {
	const began = Date.now();
	const home = path.join(options.dir, 'home');
	fs.mkdirSync(home, {recursive: true});
	writePairedCredentials(homePaths(home).authDir);
	const taskRuns = new Map<string, number>();
	const heldOnce = new Set<string>();
	const holdSeen = new Set<string>();
	let releaseHolds: () => void = () => {};
	const holds = new Promise<void>((resolve) => (releaseHolds = resolve));
	const ollama = await startScriptedOllama({
		keepRequests: false,
		chunkSize: 4096,
		fallback: async (request: ChatRequestBody): Promise<ScriptedReply> => {
			const prompt = request.messages.at(-1)?.content ?? '';
			const task = /<scheduled_task id="([^"]+)"/.exec(prompt)?.[1];
			if (task) {
				taskRuns.set(task, (taskRuns.get(task) ?? 0) + 1);
				return {content: `done ${task}`};
			}
			// A turn held at the model the first time: the host is stopped or killed meanwhile.
			const held = hold.exec(prompt)?.[0];
			if (held && !heldOnce.has(held)) {
				heldOnce.add(held);
				holdSeen.add(held);
				await holds;
				return {content: 'too late'};
			}
			return {content: `ack ${[...new Set(prompt.match(/\bm\d+\b/g) ?? [])].join(' ')}`};
		},
	});
	const record: MonthRecord = {home, sent: [], taskRuns, taskIds: new Map(), stats: [], finalTasks: [], hostStarts: 0, seconds: 0};
	const env: NodeJS.ProcessEnv = {
		PATH: process.env.PATH,
		HOME: options.dir,
		BABYBOT_HOME: home,
		MOUNT_ALLOWLIST_PATH: path.join(options.dir, 'allowlist.json'),
		OLLAMA_BASE_URL: ollama.url,
		CONTAINER_RUNTIME: 'none',
		TZ: timezone,
		LOG_LEVEL: 'debug',
		// Warm runs wait two simulated days: the month's quiet hours do not cold-start every turn.
		CONTAINER_IDLE_TIMEOUT: String(2 * 24 * 60 * 60_000),
		MAX_CONCURRENT_CONTAINERS: '4',
		...options.env,
	};
	const onEvent = (event: SoakEvent) => {
		if (event.type === 'wa-sent') record.sent.push({jid: String(event.jid), text: String(event.text), at: Number(event.at)});
	};
	const start = async (at: number) => {
		record.hostStarts++;
		return startSoakHost({dir: options.dir, env, start: at, logRing: options.logRing ?? 5000, onEvent, nodeArgs: ['--expose-gc']});
	};
	let host: SoakHost = await start(plan.start);
	try {
		for (const group of groups) await host.request({type: 'register', group: {jid: group.jid, name: group.folder, folder: group.folder, requiresTrigger: group.requiresTrigger}}, 'registered');
		for (const task of plan.tasks) {
			const target = groups.find((group) => group.folder === task.folder)!;
			const ack = await requestIpc(home, 'main', 'tasks', `${task.name}.json`, {
				type: 'schedule_task',
				prompt: `${task.name}: do the ${task.name} chore`,
				schedule_type: task.scheduleType,
				schedule_value: task.scheduleValue,
				context_mode: task.contextMode,
				misfire: task.misfire,
				targetJid: target.jid,
			});
			if (!ack.ok) throw new Error(`scheduling ${task.name} failed: ${ack.error}`);
			record.taskIds.set(task.name, (ack.result as {taskId: string}).taskId);
		}
		const sample = async (at: number, idleMs = 0) => {
			const stats = {...((await host.request({type: 'stats', idleMs}, 'stats')) as unknown as HostStats), at};
			record.stats.push(stats);
			options.onSample?.(stats, home);
		};
		await host.request({type: 'settle'}, 'settled');
		await sample(plan.start, options.idleSampleMs);
		let upUntil = plan.ups[0]![1];
		for (const event of plan.events) {
			if (event.at >= upUntil && event.kind !== 'restart') continue; // the host is down: only its restart happens
			await host.request({type: 'advance', to: event.at}, 'advanced', 120_000);
			host = await play(event, host);
			if (event.kind === 'restart') upUntil = plan.ups.find(([from]) => from === event.upAgainAt)![1];
			if (event.kind === 'sample') await sample(event.at, options.idleSampleMs);
		}
		await host.request({type: 'advance', to: plan.end}, 'advanced', 120_000);
		await sample(plan.end, options.idleSampleMs);
		record.finalTasks = (await host.request({type: 'tasks'}, 'tasks')).tasks as MonthRecord['finalTasks'];
		await host.stop();
	} catch (error) {
		await host.kill().catch(() => {});
		throw error;
	} finally {
		releaseHolds();
		await ollama.close();
	}
	record.seconds = (Date.now() - began) / 1000;
	return record;

	async function play(event: PlanEvent, current: SoakHost): Promise<SoakHost> {
		switch (event.kind) {
			case 'messages':
				await deliver(current, event.jid, event.messages);
				return current;
			case 'wa-offline':
			case 'wa-online':
				await current.request({type: event.kind}, event.kind);
				return current;
			case 'unregister':
				await current.request({type: 'unregister', folder: event.folder}, 'unregistered');
				return current;
			case 'register': {
				const group = groups.find((g) => g.folder === event.folder)!;
				await current.request({type: 'register', group: {jid: group.jid, name: group.folder, folder: group.folder, requiresTrigger: group.requiresTrigger}}, 'registered');
				// The operator resumes what the unregistering paused.
				for (const task of plan.tasks.filter((t) => t.folder === event.folder && t.scheduleType !== 'once')) {
					await current.request({type: 'resume', taskId: record.taskIds.get(task.name)}, 'resumed');
				}
				return current;
			}
			case 'sample':
				return current;
			case 'restart': {
				options.progress?.(`${new Date(event.at).toISOString().slice(0, 16)} ${event.how}, up again ${new Date(event.upAgainAt).toISOString().slice(0, 16)}`);
				if (event.how.endsWith('mid-turn')) {
					const token = hold.exec(event.hold.text)![0];
					current.send({type: 'wa-in', messages: [wire(event.hold)]});
					const deadline = Date.now() + 30_000;
					while (!holdSeen.has(token)) {
						if (Date.now() > deadline) throw new Error(`the turn of ${token} never reached the model`);
						await new Promise((resolve) => setTimeout(resolve, 5));
					}
				} else {
					await deliver(current, event.hold.jid, [event.hold]);
					await current.request({type: 'settle'}, 'settled');
				}
				if (event.how.startsWith('kill')) await current.kill();
				else await current.stop();
				return start(event.upAgainAt);
			}
		}
	}
}

function wire(message: PlanMessage) {
	return {id: message.id, jid: message.jid, participant: '4915000000001@s.whatsapp.net', name: 'Alice', text: message.text, at: message.at};
}

async function deliver(host: SoakHost, _jid: string, messages: PlanMessage[]): Promise<void> {
	await host.request({type: 'wa-in', messages: messages.map(wire)}, 'wa-stored');
}

/** A temp folder for a month (the caller removes it). */
export function monthDir(): string {
	return traversableTempDir('babybot-month-');
}

// The attacker's side of the suite: a host (in the test process, real Docker sandboxes) with a
// hostile group and a victim group, canaries around them, and a scripted model that makes the
// hostile agent run the attacker's commands through its real `bash` tool.
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import {expect} from 'vitest';
import {waitFor} from '../support/cli.js';
import {startScriptedOllama, type ChatRequestBody, type ScriptedOllama, type ScriptedToolCall} from '../support/ollama-server.js';
import {tempHome} from '../support/temp-home.js';
import {closeAfterEach, startTestHost, type TestHost, type TurnOutcome} from '../support/test-host.js';
import {guardBoundary, plantCanaries, type Boundary} from './canaries.js';

/** The group whose agent attacks, and the group it must not reach. */
export const attacker = 'family';
export const victim = 'work';

export interface AttackModel {
	ollama: ScriptedOllama;
	/** The next turn whose prompt carries `marker` makes these tool calls, then answers `answer`. */
	plan(marker: string, calls: ScriptedToolCall[], answer?: string): void;
	/** The tool results of the marker's turn, in call order (once that turn has run its tools). */
	results(marker: string): string[] | undefined;
}

interface Plan {
	calls: ScriptedToolCall[];
	answer: string;
	results?: string[];
}

/**
 * The scripted model, routed by marker rather than by order, so other turns (a task the host
 * schedules, another group) never eat the attacker's script: anything unplanned answers "ok".
 */
export async function startAttackModel(): Promise<AttackModel> {
	const plans = new Map<string, Plan>();
	const reply = (request: ChatRequestBody) => {
		const lastUser = request.messages.map((m) => m.role).lastIndexOf('user');
		const prompt = request.messages[lastUser]?.content ?? '';
		const entry = [...plans.entries()].find(([marker]) => prompt.includes(marker));
		if (!entry) return {content: 'ok'};
		const plan = entry[1];
		const tools = request.messages.slice(lastUser).filter((m) => m.role === 'tool');
		if (tools.length === 0 && plan.calls.length > 0) return {toolCalls: plan.calls};
		plan.results = tools.map((m) => m.content);
		return {content: plan.answer};
	};
	const ollama = await startScriptedOllama({fallback: reply});
	return {
		ollama,
		plan: (marker, calls, answer = 'done') => void plans.set(marker, {calls, answer}),
		results: (marker) => plans.get(marker)?.results,
	};
}

/** A call of the agent's bash tool (timeout up to 600000 ms). */
export function bash(command: string, timeoutMs = 60_000): ScriptedToolCall {
	return {name: 'bash', arguments: {command, timeout_ms: timeoutMs}};
}

export interface Attack {
	running: TestHost;
	model: AttackModel;
	boundary: Boundary;
	home: string;
	root: string;
	allowlist: string;
	/** Replies to every chat (errors included) and every message the assistant stored, as they came. */
	chat: {replies: Array<{chatJid: string; text: string; error?: boolean}>; botMessages: Array<{chatJid: string; text: string}>};
	/** The agent of `folder` runs the calls in one turn; resolves with the turn and the tool results. */
	agentRuns(calls: ScriptedToolCall[], folder?: string): Promise<{outcome: TurnOutcome; results: string[]}>;
	/** The host is up and answers an ordinary message of the group. */
	expectStillAnswering(folder?: string): Promise<void>;
}

export interface AttackOptions {
	/** Settings, named like the environment variables. */
	env?: Record<string, string>;
	/** Runs before the host starts, with the temp home (e.g. files the host must find). The canaries (and a default allowlist) follow. */
	prepare?(made: {home: string; allowlist: string; root: string}): void;
}

let markers = 0;

/** Starts hosts for attacks and closes them after each test of the calling file. */
export function attackHosts(): {start(options?: AttackOptions): Promise<Attack>} {
	const track = closeAfterEach();
	return {
		async start(options = {}) {
			const made = tempHome('babybot-attack-');
			options.prepare?.(made);
			plantCanaries(made, victim);
			const model = await startAttackModel();
			track({close: () => model.ollama.close()});
			const running = track(await startTestHost({runtime: 'docker', ollamaUrl: model.ollama.url, home: made, env: options.env}));
			await running.host.registerGroup({jid: `${attacker}@g.us`, name: 'Family', folder: attacker, requiresTrigger: false});
			await running.host.registerGroup({jid: `${victim}@g.us`, name: 'Work', folder: victim, requiresTrigger: false});
			const chat: Attack['chat'] = {replies: [], botMessages: []};
			running.host.events.on('reply', (reply) => chat.replies.push({chatJid: reply.chatJid, text: reply.text, error: reply.error}));
			running.host.events.on('message', ({message}) => {
				if (message.isBotMessage) chat.botMessages.push({chatJid: message.chatJid, text: message.content});
			});
			const boundary = guardBoundary(made, victim);
			const lastWords = () => JSON.stringify(chat.replies.slice(-3).map((reply) => reply.text.slice(0, 300)));
			const agentRuns: Attack['agentRuns'] = async (calls, folder = attacker) => {
				const marker = `attack-step-${++markers}`;
				model.plan(marker, calls);
				const toolTime = calls.reduce((sum, call) => sum + Number((call.arguments as {timeout_ms?: number}).timeout_ms ?? 60_000), 0);
				const outcome = await within(running.ask(folder, `run ${marker}`), toolTime + 60_000, () => `end of the agent's turn (the chat got ${lastWords()})`);
				return {outcome, results: model.results(marker) ?? []};
			};
			return {
				running,
				model,
				boundary,
				...made,
				chat,
				agentRuns,
				async expectStillAnswering(folder = attacker) {
					const marker = `still-there-${++markers}`;
					model.plan(marker, [bash('echo alive')], 'still here');
					const outcome = await within(running.ask(folder, `are you ${marker}?`), 90_000, () => `answer to an ordinary message (the chat got ${lastWords()})`);
					expect(outcome).toMatchObject({ok: true, replies: ['still here']});
				},
			};
		},
	};
}

/** Resolves as `promise` does, or fails after `ms` saying what never came. */
export async function within<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`no ${what()} within ${ms / 1000} s`)), ms);
	});
	try {
		return await Promise.race([promise, late]);
	} finally {
		clearTimeout(timer);
	}
}

/** The `RESULT {…}` line an agent script printed, parsed; fails with the whole tool result when absent. */
export function resultOf<T = Record<string, unknown>>(toolResult: string | undefined): T {
	const line = toolResult?.match(/^RESULT (.*)$/m)?.[1];
	if (!line) throw new Error(`the agent script printed no RESULT line; its tool result was:\n${toolResult}`);
	return JSON.parse(line) as T;
}

/** Host-side IPC paths of a group: `ipc/<folder>/{messages,tasks,requests,acks}` under the home. */
export const hostIpc = (home: string, folder: string, sub: string) => path.join(home, 'ipc', folder, sub);

/** Writes a request into a group's host-side IPC folder as its agent would (temp, then rename); returns the ack's file. */
export function dropHostRequest(home: string, folder: string, kind: 'messages' | 'tasks' | 'requests', name: string, body: unknown): string {
	const dir = hostIpc(home, folder, kind);
	for (const made of [dir, hostIpc(home, folder, 'acks')]) fs.mkdirSync(made, {recursive: true});
	const temp = path.join(dir, `.tmp-${name}`);
	fs.writeFileSync(temp, JSON.stringify(body));
	fs.renameSync(temp, path.join(dir, name));
	return path.join(hostIpc(home, folder, 'acks'), name);
}

/** Waits for an ack file and parses it. */
export async function ackOf(file: string, timeoutMs = 30_000): Promise<{ok: boolean; result?: unknown; error?: string}> {
	const text = await waitFor(`the ack ${path.basename(file)}`, () => {
		try {
			const raw = fs.readFileSync(file, 'utf8');
			JSON.parse(raw);
			return raw;
		} catch {
			return undefined;
		}
	}, timeoutMs);
	return JSON.parse(text) as {ok: boolean; result?: unknown; error?: string};
}

/** This process's RSS after a full collection (gc is exposed at run time when vitest did not pass --expose-gc). */
/** The heap the process still holds after full garbage collections (what it has not given back). */
export function settledHeap(): number {
	settledRss();
	return process.memoryUsage().heapUsed;
}

export function settledRss(): number {
	let gc = (globalThis as {gc?: () => void}).gc;
	if (!gc) {
		v8.setFlagsFromString('--expose-gc');
		gc = vm.runInNewContext('gc') as () => void;
	}
	gc();
	gc();
	return process.memoryUsage().rss;
}

export const mib = 1024 * 1024;

// A tiny host for agent-runner tests: drives runAgent through streams, answers llm_requests from a
// script, and answers IPC files by writing acks.
import fs from 'node:fs';
import path from 'node:path';
import {PassThrough} from 'node:stream';
import readline from 'node:readline';
import {runAgent} from '../../container/agent-runner/src/agent.js';
import type {
	AgentToHost,
	HostToAgent,
	LlmRequestMessage,
	StartMessage,
	SwarmSettings,
	ToolCall,
	TurnInput,
	WebFetchResult,
	WebRequestMessage,
	WorkspacePaths,
} from '../../container/agent-runner/src/protocol.js';
import type {TrimBounds} from '../../container/agent-runner/src/session.js';
import {tempHome} from '../support/temp-home.js';

export type ScriptReply = {content?: string; toolCalls?: ToolCall[]; usage?: {promptTokens: number; outputTokens: number}} | {error: string};
/** A function step may return null to hold the request; the test answers it later with `reply`. */
export type ScriptStep = ScriptReply | ((request: LlmRequestMessage) => ScriptReply | null);

export interface IpcFile {
	kind: string;
	name: string;
	payload: Record<string, unknown>;
}

export interface FakeHostOptions {
	replies?: ScriptStep[];
	/** Answers every request once `replies` run out (null holds it). */
	fallback?: (request: LlmRequestMessage) => ScriptReply | null;
	/** Sub-agent limits in the start message (the delegate tool); absent: no delegate tool. */
	swarm?: SwarmSettings;
	isMain?: boolean;
	contextMode?: 'group' | 'isolated';
	limits?: Partial<StartMessage['limits']>;
	turn?: Partial<TurnInput>;
	/** The ack for an IPC file; `null` leaves it unanswered. Default `{ok: true}`. */
	ack?: (file: IpcFile) => Record<string, unknown> | null;
	/** Prepares files before the agent starts (memory, skills, …). */
	prepare?: (paths: WorkspacePaths) => void;
	trimBounds?: TrimBounds;
	now?: () => Date;
	/** The host's answer to a web_request; `null` leaves it unanswered. Default: refused. */
	web?: (request: WebRequestMessage) => WebFetchResult | null;
}

export const call = (name: string, args: Record<string, unknown> | string): ToolCall => ({function: {name, arguments: args}});

export function makePaths(root: string, isMain: boolean): WorkspacePaths {
	const paths: WorkspacePaths = {
		group: path.join(root, 'group'),
		global: path.join(root, 'global'),
		ipc: path.join(root, 'ipc'),
		session: path.join(root, 'session'),
		skills: path.join(root, 'skills'),
		extra: {},
		readOnly: [],
	};
	for (const dir of [paths.group, paths.global, paths.ipc, paths.session, paths.skills]) fs.mkdirSync(dir, {recursive: true});
	for (const kind of ['messages', 'tasks', 'requests', 'acks']) fs.mkdirSync(path.join(paths.ipc, kind), {recursive: true});
	paths.readOnly = isMain ? [paths.skills] : [paths.global, paths.skills];
	return paths;
}

export interface FakeHost {
	root: string;
	paths: WorkspacePaths;
	start: StartMessage;
	/** Every message the agent sent, in order. */
	sent: AgentToHost[];
	requests: LlmRequestMessage[];
	ipcFiles: IpcFile[];
	exit: Promise<number>;
	send(message: HostToAgent): void;
	sendRaw(line: string): void;
	push(...steps: ScriptStep[]): void;
	/** Answers a held request. */
	reply(request: LlmRequestMessage, reply: ScriptReply): void;
	endInput(): void;
	waitFor<T extends AgentToHost>(predicate: (message: AgentToHost) => message is T): Promise<T>;
	turnDone(turnId: string): Promise<Extract<AgentToHost, {type: 'turn_done'}>>;
	outputs(turnId?: string): string[];
	stop(): Promise<number>;
}

export function startFakeHost(options: FakeHostOptions = {}): FakeHost {
	const {root} = tempHome('babybot-agent-');
	const isMain = options.isMain ?? true;
	const paths = makePaths(root, isMain);
	options.prepare?.(paths);
	const script = [...(options.replies ?? [])];
	const input = new PassThrough();
	const output = new PassThrough();
	const sent: AgentToHost[] = [];
	const requests: LlmRequestMessage[] = [];
	const ipcFiles: IpcFile[] = [];
	const listeners = new Set<() => void>();

	const send = (message: HostToAgent) => {
		if (!input.writableEnded) input.write(JSON.stringify(message) + '\n');
	};
	const answer = (request: LlmRequestMessage) => {
		const step = script.shift() ?? options.fallback;
		const reply = step === undefined ? {error: 'the test script has no reply left'} : typeof step === 'function' ? step(request) : step;
		if (reply) replyTo(request, reply);
	};
	const replyTo = (request: LlmRequestMessage, reply: ScriptReply) => {
		if ('error' in reply) return send({type: 'llm_error', requestId: request.requestId, error: reply.error});
		const content = reply.content ?? '';
		// Stream content in two chunks and tool calls in the last one, like the host's bridge.
		const half = Math.floor(content.length / 2);
		send({type: 'llm_chunk', requestId: request.requestId, content: content.slice(0, half), done: false});
		send({type: 'llm_chunk', requestId: request.requestId, content: content.slice(half), tool_calls: reply.toolCalls, done: true, ...(reply.usage ? {usage: reply.usage} : {})});
	};
	readline.createInterface({input: output}).on('line', (line) => {
		const message = JSON.parse(line) as AgentToHost;
		sent.push(message);
		if (message.type === 'llm_request') {
			requests.push(message);
			answer(message);
		}
		if (message.type === 'web_request') {
			const result = options.web ? options.web(message) : {status: 'refused' as const, reason: 'the test host serves no web'};
			if (result) send({type: 'web_response', requestId: message.requestId, result});
		}
		for (const listener of [...listeners]) listener();
	});

	const watchers = ['messages', 'tasks', 'requests'].map((kind) => {
		const dir = path.join(paths.ipc, kind);
		const seen = new Set<string>();
		return fs.watch(dir, (_event, name) => {
			const fileName = name?.toString();
			if (!fileName || fileName.startsWith('.tmp-') || !fileName.endsWith('.json') || seen.has(fileName)) return;
			const file = path.join(dir, fileName);
			if (!fs.existsSync(file)) return;
			seen.add(fileName);
			const ipcFile: IpcFile = {kind, name: fileName, payload: JSON.parse(fs.readFileSync(file, 'utf8'))};
			ipcFiles.push(ipcFile);
			const ack = options.ack ? options.ack(ipcFile) : {ok: true};
			if (ack === null) return;
			const ackFile = path.join(paths.ipc, 'acks', fileName);
			fs.writeFileSync(`${ackFile}.partial`, JSON.stringify(ack));
			fs.renameSync(`${ackFile}.partial`, ackFile);
		});
	});

	const start: StartMessage = {
		type: 'start',
		runId: 'run-1',
		group: {folder: isMain ? 'main' : 'family', name: isMain ? 'Main' : 'Family', isMain, chatJid: isMain ? 'local:main' : 'family@g.us'},
		assistantName: 'Baby',
		paths,
		contextMode: options.contextMode ?? 'group',
		limits: {maxToolRounds: 8, toolOutputChars: 4000, ipcAckTimeoutMs: 5000, ...options.limits},
		...(options.swarm ? {swarm: options.swarm} : {}),
		turn: {turnId: 't1', prompt: '<messages><message sender="me">hi</message></messages>', ...options.turn},
	};
	const exit = runAgent({input, output, trimBounds: options.trimBounds, now: options.now}).finally(() => {
		for (const watcher of watchers) watcher.close();
		output.end();
	});
	send(start);

	const waitFor = <T extends AgentToHost>(predicate: (message: AgentToHost) => message is T): Promise<T> =>
		new Promise((resolve) => {
			const check = () => {
				const found = sent.find(predicate);
				if (found) {
					listeners.delete(check);
					resolve(found);
				}
			};
			listeners.add(check);
			check();
		});

	return {
		root,
		paths,
		start,
		sent,
		requests,
		ipcFiles,
		exit,
		send,
		sendRaw: (line) => input.write(line + '\n'),
		push: (...steps) => script.push(...steps),
		reply: replyTo,
		endInput: () => input.end(),
		waitFor,
		turnDone: (turnId) => waitFor((m): m is Extract<AgentToHost, {type: 'turn_done'}> => m.type === 'turn_done' && m.turnId === turnId),
		outputs: (turnId) => sent.flatMap((m) => (m.type === 'output' && (!turnId || m.turnId === turnId) ? [m.text] : [])),
		async stop() {
			send({type: 'close'});
			return exit;
		},
	};
}

/** The tool messages of a request, as the model saw them. */
export const toolMessages = (request: LlmRequestMessage) => request.messages.filter((m) => m.role === 'tool');
export const lastToolContent = (host: FakeHost) => toolMessages(host.requests.at(-1)!).at(-1)?.content ?? '';

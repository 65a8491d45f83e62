import crypto from 'node:crypto';
import path from 'node:path';
import type {Config} from '../config.js';
import type {Channel} from '../channels/channel.js';
import {LocalChatChannel, localJid} from '../channels/local-chat.js';
import {LlmBridge} from '../llm-bridge.js';
import {createLogger, type Logger} from '../logger.js';
import {LogStore} from '../log-store.js';
import {folderProblem, homePaths} from '../paths.js';
import type {SandboxLauncher} from '../runtimes/runtime.js';
import {openDb} from '../store/db.js';
import {GroupStore} from '../store/groups.js';
import {MessageStore} from '../store/messages.js';
import {RunStore} from '../store/runs.js';
import type {InboundMessage, RegisteredGroup} from '../types.js';
import {HostEmitter} from './events.js';
import {GroupRunner} from './group-runner.js';
import {prepareHome} from './home-setup.js';
import type {HostApi, HostSnapshot, OllamaState} from './host-api.js';
import {acquireHostLock} from './lock.js';
import {installLabelFor, type HostPaths} from './sandbox-spec.js';

export interface CreateHostOptions {
	config: Config;
	launcher: SandboxLauncher;
	/** The UI's log ring; a new one otherwise. */
	logStore?: LogStore;
	/** Extra channels (WhatsApp); the local chat is always there. */
	channels?: Channel[];
	logToStderr?: boolean;
}

export interface Host extends HostApi {
	logger: Logger;
	local: LocalChatChannel;
	/** Re-queues unanswered messages; probes Ollama. */
	start(): Promise<void>;
	groupOfFolder(folder: string): RegisteredGroup | undefined;
}

export async function createHost(options: CreateHostOptions): Promise<Host> {
	const {config, launcher} = options;
	const paths: HostPaths = {...homePaths(config.home), syncedSkillsDir: path.join(config.home, 'skills-synced')};
	const releaseLock = acquireHostLock(paths.lockFile);
	const {logger, store: logs, flush} = createLogger({logsDir: paths.logsDir, level: config.logLevel, store: options.logStore, stderr: options.logToStderr});
	const db = openDb(paths.dbFile);
	const messages = new MessageStore(db);
	const groups = new GroupStore(db);
	const runs = new RunStore(db);
	prepareHome(config, paths, groups);
	runs.closeStale(new Date().toISOString());

	const events = new HostEmitter();
	const local = new LocalChatChannel();
	const channels: Channel[] = [local, ...(options.channels ?? [])];
	const llm = new LlmBridge({baseUrl: config.ollamaBaseUrl, model: config.ollamaModel});
	let ollama: OllamaState = {reachable: false, model: config.ollamaModel, modelPresent: null, toolsSupported: null};
	const channelFor = (jid: string) => channels.find((channel) => channel.ownsJid(jid));
	const changed = (part: keyof HostSnapshot) => events.emit('change', {part});

	const deliver = (chatJid: string, text: string, options: {error?: boolean} = {}) => {
		const message: InboundMessage = {
			id: `out-${crypto.randomUUID()}`,
			chatJid,
			sender: 'assistant',
			senderName: config.assistantName,
			content: text,
			timestamp: new Date().toISOString(),
			fromMe: true,
			isBotMessage: true,
		};
		const seq = messages.insert(message);
		const groupFolder = runner.groupOfChat(chatJid)?.folder;
		if (seq !== null) events.emit('message', {message: {...message, seq}, groupFolder});
		if (groupFolder) events.emit('reply', {groupFolder, chatJid, text, error: options.error});
		const channel = channelFor(chatJid);
		if (!channel) return logger.warn({chat: chatJid}, 'no channel owns this chat: reply kept in the store only');
		channel.sendMessage(chatJid, text).catch((error: Error) => logger.error({chat: chatJid, err: error.message}, 'sending a reply failed'));
	};

	const runner: GroupRunner = new GroupRunner({
		config,
		paths,
		messages,
		groups,
		runs,
		launcher,
		llm,
		logger,
		installLabel: installLabelFor(config.home),
		deliver,
		extraMounts: () => [],
		setTyping: (chatJid, typing) => void channelFor(chatJid)?.setTyping?.(chatJid, typing).catch(() => {}),
		onRunUpdate: () => changed('runs'),
		onDelta: (groupFolder, chatJid, text) => events.emit('delta', {groupFolder, chatJid, text}),
		onTurn: (groupFolder, chatJid, ok, error) => events.emit('turn', {groupFolder, chatJid, ok, error}),
	});

	const storeInbound = (message: InboundMessage) => {
		const group = runner.groupOfChat(message.chatJid);
		if (!group) return;
		const seq = messages.insert(message);
		if (seq === null) return;
		events.emit('message', {message: {...message, seq}, groupFolder: group.folder});
		if (!message.isBotMessage) runner.wake(group.folder);
	};

	const requireGroup = (folder: string) => {
		const group = groups.byFolder(folder);
		if (!group) throw new Error(`no group with folder "${folder}": see \`babybot-tui groups list\``);
		return group;
	};

	let stopped: Promise<void> | undefined;
	const host: Host = {
		logger,
		logs,
		events,
		local,
		groupOfFolder: (folder) => groups.byFolder(folder),
		async start() {
			for (const channel of channels) await channel.connect();
			const requeued = runner.recover();
			if (requeued > 0) logger.info({groups: requeued}, 'unanswered messages queued again after a restart');
			void llm.probe().then((state) => {
				ollama = state;
				if (state.error) logger.warn(state.error);
				changed('ollama');
			});
		},
		snapshot() {
			const live = runner.liveRuns();
			const liveIds = new Set(live.map((run) => run.id));
			return {
				assistantName: config.assistantName,
				groups: groups.all(),
				chats: messages.chats(),
				runs: [...live, ...runs.recent(30).filter((run) => !liveIds.has(run.id) && run.state === 'ended')],
				tasks: [],
				mounts: {allowlistPath: config.mountAllowlistPath, allowlistError: null, allowedRoots: [], blockedPatterns: [], nonMainReadOnly: true, requests: []},
				skills: [],
				whatsapp: {status: 'off'},
				ollama,
				runtime: {name: launcher.name, sandboxed: launcher.sandboxed},
				limits: {idleTimeoutMs: config.containerIdleTimeoutMs, hardTimeoutMs: config.containerTimeoutMs},
			};
		},
		async sendLocalMessage(folder, text) {
			requireGroup(folder);
			messages.upsertChat({jid: localJid(folder), name: `local ${folder}`, channel: 'local', at: new Date().toISOString()});
			storeInbound({
				id: `local-${crypto.randomUUID()}`,
				chatJid: localJid(folder),
				sender: 'operator',
				senderName: 'Operator',
				content: text,
				timestamp: new Date().toISOString(),
				fromMe: false,
				isBotMessage: false,
			});
		},
		async killRun(runId) {
			if (!(await runner.kill(runId))) throw new Error(`run ${runId} is not live`);
			logger.info({run: runId}, 'run killed by the operator');
		},
		async registerGroup(input) {
			const problem = folderProblem(input.folder);
			if (problem) throw new Error(problem);
			const group: RegisteredGroup = {
				...input,
				trigger: config.trigger,
				isMain: false,
				addedAt: new Date().toISOString(),
				extraMounts: [],
				network: false,
			};
			groups.add(group);
			changed('groups');
			return group;
		},
		async unregisterGroup(jidOrFolder) {
			if (!groups.remove(jidOrFolder)) throw new Error(`no registered group "${jidOrFolder}"`);
			changed('groups');
		},
		async approveMount() {
			throw new Error('mount approvals are not wired yet');
		},
		async rejectMount() {
			throw new Error('mount approvals are not wired yet');
		},
		async pauseTask() {
			throw new Error('tasks are not wired yet');
		},
		async resumeTask() {
			throw new Error('tasks are not wired yet');
		},
		async runTaskNow() {
			throw new Error('tasks are not wired yet');
		},
		async deleteTask() {
			throw new Error('tasks are not wired yet');
		},
		async triggerSkill(folder, name, args) {
			await host.sendLocalMessage(folder, `/${name}${args ? ` ${args}` : ''}`);
		},
		async skillText() {
			throw new Error('skills are not wired yet');
		},
		async startPairing() {
			throw new Error('WhatsApp is not wired yet');
		},
		stop() {
			stopped ??= (async () => {
				await runner.stop();
				for (const channel of channels) await channel.disconnect().catch(() => {});
				flush();
				db.close();
				releaseLock();
			})();
			return stopped;
		},
	};
	return host;
}

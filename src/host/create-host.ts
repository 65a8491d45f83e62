// The one place the host is wired: stores, services, channels and the group runner.
import crypto from 'node:crypto';
import path from 'node:path';
import {isoNow, systemClock, type HostClock} from '../clock.js';
import type {Config} from '../config.js';
import type {Channel, ChannelCallbacks} from '../channels/channel.js';
import {LocalChatChannel} from '../channels/local-chat.js';
import {isWhatsAppJid} from '../channels/whatsapp/inbound.js';
import {createIpcWatcher} from '../ipc/ipc-watcher.js';
import {createLlmBridge} from '../llm/create-bridge.js';
import {ModelWarmer} from '../llm/model-warmer.js';
import {createLogger} from '../logger.js';
import {createHostMemory} from '../memory/create-memory.js';
import type {LogStore} from '../log-store.js';
import {MountAllowlist} from '../mounts/allowlist.js';
import {MountApprovals} from '../mounts/mount-requests.js';
import {hostStatePaths} from '../mounts/mount-security.js';
import {Outbox} from '../outbox.js';
import {groupPaths, homePaths} from '../paths.js';
import {Retention} from '../retention.js';
import type {SandboxLauncher} from '../runtimes/runtime.js';
import {TaskScheduler} from '../scheduler/task-scheduler.js';
import {SkillLibrary} from '../skills/skill-sync.js';
import {planSkillTurn} from '../skills/turn-plan.js';
import {openDb} from '../store/db.js';
import {GroupStore} from '../store/groups.js';
import {MessageStore} from '../store/messages.js';
import {MountRequestStore} from '../store/mount-requests.js';
import {OutboxStore} from '../store/outbox-store.js';
import {RunStore} from '../store/runs.js';
import {TaskStore} from '../store/tasks.js';
import {WebRequestStore} from '../store/web-requests.js';
import {WebFetcher, type FetcherOptions} from '../web/fetcher.js';
import type {InboundMessage, RegisteredGroup} from '../api/types.js';
import {WebAccess} from '../web/web-access.js';
import {DiskQuota} from './disk-quota.js';
import {HostEmitter} from '../api/host-emitter.js';
import {GroupRunner} from './group-runner.js';
import {prepareHome} from './home-setup.js';
import type {HostSnapshot, WhatsAppState} from '../api/host-api.js';
import {createHostApi, type Host} from './host-api-impl.js';
import {createIpcHandlers} from './ipc-handlers.js';
import {acquireHostLock} from './lock.js';
import {SandboxVerdicts} from './sandbox-verdicts.js';
import {agentUid, installLabelFor, type HostPaths} from './sandbox-spec.js';
import {createWhatsAppChannel, type WhatsAppLink, type WhatsAppParts} from './whatsapp-link.js';

export type {Host} from './host-api-impl.js';

export interface CreateHostOptions {
	config: Config;
	launcher: SandboxLauncher;
	/** The UI's log ring; a new one otherwise. */
	logStore?: LogStore;
	/**
	 * Connect WhatsApp (when paired) and allow pairing: the UI and headless modes. `true` uses the
	 * real Baileys socket; tests pass the parts to use instead (the fake socket, a clock).
	 */
	whatsapp?: boolean | WhatsAppParts;
	logToStderr?: boolean;
	/** web_fetch's resolver, extra CA and limits: test seams (tests map names to loopback servers). */
	web?: FetcherOptions;
	/** Runs the sandbox check of every group in the background (once per runtime and image): the UI and headless modes. */
	checkSandboxes?: boolean;
	/** Time for the scheduler, the outbox, retention, log lines and run records; default the system's. */
	clock?: HostClock;
}

export async function createHost(options: CreateHostOptions): Promise<Host> {
	const {config, launcher} = options;
	const clock = options.clock ?? systemClock;
	const paths: HostPaths = {...homePaths(config.home), syncedSkillsDir: path.join(config.home, 'skills-synced')};
	const releaseLock = acquireHostLock(paths.lockFile);
	const {logger, store: logs, flush} = createLogger({
		logsDir: paths.logsDir,
		level: config.logLevel,
		store: options.logStore,
		stderr: options.logToStderr,
		// A service manager (or the UI, for a host it hands to the background) appends the headless host's output to these.
		rotation: {maxBytes: config.logMaxBytes, maxFiles: config.logMaxFiles, companions: [paths.serviceLogFile, paths.backgroundLogFile]},
		clock,
	});
	const db = openDb(paths.dbFile);
	const messages = new MessageStore(db);
	const groups = new GroupStore(db);
	const runs = new RunStore(db);
	prepareHome(config, paths, groups);
	runs.closeStale(isoNow(clock));

	const events = new HostEmitter();
	const changed = (part: keyof HostSnapshot) => events.emit('change', {part});
	const allowlist = new MountAllowlist({file: config.mountAllowlistPath});
	const approvals = new MountApprovals({store: new MountRequestStore(db), allowlist, logger, protectedPaths: hostStatePaths(config), onChange: () => changed('mounts')});
	const skills = new SkillLibrary({
		builtinDir: path.join(config.projectRoot, 'skills'),
		userDir: paths.skillsDir,
		syncedDir: paths.syncedSkillsDir,
		logger,
		onChange: () => changed('skills'),
	});

	const local = new LocalChatChannel();
	const channels: Channel[] = [local];
	const outboxStore = new OutboxStore(db);
	const outbox = new Outbox({
		store: outboxStore,
		channels: () => channels,
		// A WhatsApp chat waits while WhatsApp is off in this mode (`chat`): the next UI or headless run sends it.
		reachable: (chatJid) => local.ownsJid(chatJid) || isWhatsAppJid(chatJid),
		logger,
		now: () => new Date(clock.now()),
		setTimer: (fn, ms) => clock.setTimer(fn, ms),
	});

	const deliver = async (chatJid: string, text: string, deliverOptions: {error?: boolean; throughSeq?: number; provisional?: boolean} = {}) => {
		const message: InboundMessage = {
			id: `out-${crypto.randomUUID()}`,
			chatJid,
			sender: 'assistant',
			senderName: config.assistantName,
			content: text,
			timestamp: isoNow(clock),
			fromMe: true,
			isBotMessage: true,
		};
		const seq = messages.insert(message, {answersSeq: deliverOptions.provisional ? undefined : deliverOptions.throughSeq});
		const groupFolder = runner.groupOfChat(chatJid)?.folder;
		if (seq !== null) events.emit('message', {message: {...message, seq}, groupFolder});
		if (groupFolder) events.emit('reply', {groupFolder, chatJid, text, error: deliverOptions.error, throughSeq: deliverOptions.throughSeq});
		const outcome = await outbox.enqueue(chatJid, text);
		if (outcome.status === 'failed') throw new Error(outcome.reason);
		return outcome;
	};

	const diskQuota = new DiskQuota({quotaMb: config.groupDiskQuotaMb});
	const web = new WebAccess({
		allowlist,
		store: new WebRequestStore(db),
		fetcher: new WebFetcher(options.web),
		logger,
		notify: (chatJid, text) => void deliver(chatJid, text).catch((error: Error) => logger.error({chat: chatJid, err: error.message}, 'a web request notice could not be delivered')),
		onChange: () => changed('web'),
	});
	const llm = createLlmBridge(config, {onRequest: () => changed('ollama')});
	const memory = createHostMemory({
		db,
		messages,
		groups,
		paths,
		budget: () => llm.currentBudget(),
		chatsOf: (group) => runner.chatsOf(group),
		logger,
		ownerUid: agentUid(),
		autoMemory: config.enableAutoMemory,
	});
	let whatsapp: WhatsAppLink | undefined;
	const sandboxDeps = {config, paths, installLabel: installLabelFor(config.home), launcher, extraMounts: (group: RegisteredGroup) => approvals.resolveGroupMounts(group)};
	const verdicts = options.checkSandboxes
		? new SandboxVerdicts({
				deps: sandboxDeps,
				groups: () => groups.all(),
				logger,
				onChange: () => changed('sandboxChecks'),
				onFailed: (folder, reason) => events.emit('notice', {level: 'error', text: `${folder}: sandbox check FAILED: ${reason}`}),
			})
		: undefined;
	const runner: GroupRunner = new GroupRunner({
		config,
		paths,
		messages,
		groups,
		runs,
		launcher,
		llm,
		web,
		memory: memory.requests,
		memoryUpkeep: (group) => memory.upkeep.beforeRun(group),
		logger,
		clock,
		installLabel: sandboxDeps.installLabel,
		deliver: (chatJid, text, deliverOptions) => void deliver(chatJid, text, deliverOptions).catch((error: Error) => logger.error({chat: chatJid, err: error.message}, 'a reply could not be delivered')),
		extraMounts: sandboxDeps.extraMounts,
		planTurn: (group, batch) => {
			const plan = planSkillTurn({messages: batch, skills: skills.skills(), trigger: group.trigger, assistantName: config.assistantName});
			return 'reply' in plan || plan.command || !memory.checkLastingFacts(batch) ? plan : {...plan, checkLastingFacts: true};
		},
		selfChatJid: () => whatsapp?.channel.selfJid(),
		setTyping: (chatJid, typing) => void channels.find((c) => c.ownsJid(chatJid))?.setTyping?.(chatJid, typing).catch(() => {}),
		onRunUpdate: () => changed('runs'),
		onSubagent: () => changed('subagents'),
		onDelta: (groupFolder, chatJid, text) => events.emit('delta', {groupFolder, chatJid, text}),
		diskQuotaProblem: (group) => diskQuota.problem(group.folder, groupPaths(paths, group.folder).group),
		remeasureFolder: (group) => void diskQuota.remeasure(group.folder, groupPaths(paths, group.folder).group),
		onTurn: (turn) => {
			events.emit('turn', turn);
			if (!turn.ok) events.emit('notice', {level: 'error', text: `${turn.groupFolder}: ${turn.error ?? 'the agent failed'}`});
		},
	});

	/** Stores an inbound message of a registered chat and wakes its group; returns its sequence. */
	const receive = (message: InboundMessage): number | null => {
		const group = runner.groupOfChat(message.chatJid);
		if (!group) return null;
		const seq = messages.insert(message);
		if (seq === null) return null;
		events.emit('message', {message: {...message, seq}, groupFolder: group.folder});
		if (!message.isBotMessage) runner.wake(group.folder);
		return seq;
	};
	const callbacks: ChannelCallbacks = {
		onMessage: (message) => void receive(message),
		onChatMetadata(chat) {
			const owner = channels.find((channel) => channel.ownsJid(chat.jid));
			if (!owner) return logger.debug({chat: chat.jid}, 'chat metadata for a chat no channel owns: ignored');
			messages.upsertChat({jid: chat.jid, name: chat.name, channel: owner.name, isGroup: chat.isGroup, at: chat.at});
			changed('chats');
		},
	};
	const sendQueued = (channel: Channel) =>
		void outbox.flush(channel).catch((error: Error) => logger.error({channel: channel.name, err: error.message}, 'sending queued messages failed'));
	// Each channel's reconnect sends what waited for it.
	const callbacksOf = (channel: () => Channel | undefined): ChannelCallbacks => ({
		...callbacks,
		onConnectionChange(connected) {
			const current = channel();
			if (connected && current) sendQueued(current);
		},
	});
	let lastStop: string | undefined;
	const onWhatsAppState = (state: WhatsAppState) => {
		changed('whatsapp');
		// A stop is news once; the state keeps the reason for the status bar.
		const stop = state.status === 'logged-out' || state.status === 'stopped' ? state.reason : undefined;
		if (stop && stop !== lastStop) events.emit('notice', {level: state.status === 'logged-out' ? 'error' : 'warn', text: `WhatsApp stopped: ${stop}`});
		lastStop = stop;
	};
	if (options.whatsapp) {
		const parts = options.whatsapp === true ? undefined : options.whatsapp;
		whatsapp = await createWhatsAppChannel({paths, logger, callbacks: callbacksOf(() => whatsapp?.channel), onState: onWhatsAppState, parts});
		channels.push(whatsapp.channel);
	}

	const warmer = new ModelWarmer({load: () => llm.load(), clock, logger});
	const warmForTasks = () => warmer.schedule(scheduler.list().filter((task) => task.status === 'active').map((task) => task.nextRun));
	const tasks = new TaskStore(db);
	const retention = new Retention({db, stores: {runs, tasks, outbox: outboxStore}, clock, days: config.retentionDays, logger});
	const scheduler: TaskScheduler = new TaskScheduler({
		store: tasks,
		timezone: config.timezone,
		logger,
		clock,
		enqueueTask: (task, _slot, started) => runner.runTask(task, started),
		onChange: () => {
			changed('tasks');
			warmForTasks();
		},
	});
	const ipc = createIpcWatcher({
		ipcDir: paths.ipcDir,
		errorsDir: paths.ipcErrorsDir,
		writerUid: agentUid(),
		logger,
		onFlood: (folder, reason) => {
			const chatJid = groups.byFolder(folder)?.jid ?? `local:${folder}`;
			void deliver(chatJid, `⚠️ The assistant sent too many requests to the host, so some were refused (${reason}).`).catch(() => {});
		},
		groups: () => groups.all(),
		findTask: (taskId) => scheduler.get(taskId),
		handlers: createIpcHandlers({
			config,
			groups,
			scheduler,
			approvals,
			deliver: (chatJid, text) => deliver(chatJid, text),
			onGroupsChanged: () => {
				changed('groups');
				verdicts?.checkMissing();
			},
			chats: () => messages.chats(),
			async refreshGroups() {
				const channel = whatsapp?.channel;
				if (!channel) return 'WhatsApp is off in this mode: group names were not synced';
				if (!channel.isConnected()) return 'WhatsApp is not connected: group names sync when it reconnects';
				return `synced the names of ${await channel.refreshGroups()} WhatsApp groups`;
			},
		}),
	});

	// A registered group's IPC folders are watched from its registration on.
	events.on('change', ({part}) => part === 'groups' && ipc.syncGroups());

	return createHostApi({
		config,
		clock,
		launcher,
		logger,
		logs,
		events,
		local,
		channels,
		stores: {messages, groups, runs},
		runner,
		scheduler,
		approvals,
		allowlist,
		web,
		memory: memory.upkeep,
		skills,
		llm,
		verdicts,
		whatsapp: () => whatsapp,
		callbacks,
		receive,
		outboxQuiet: () => outbox.quiet(),
		async start() {
			allowlist.startWatching();
			skills.start();
			await ipc.start();
			scheduler.start();
			warmForTasks();
			retention.start();
			// Replies a crash or a stop left unsent: local ones now, the others as their channel connects.
			void outbox.flushAll().catch((error: Error) => logger.error({err: error.message}, 'sending queued messages failed'));
		},
		async stop() {
			await ipc.stop();
			scheduler.stop();
			warmer.stop();
			retention.stop();
			await verdicts?.stop();
			await runner.stop();
			outbox.stop();
			for (const channel of channels) await channel.disconnect().catch(() => {});
			await skills.close();
			approvals.close();
			web.close();
			allowlist.close();
			flush();
			db.close();
			releaseLock();
		},
	});
}

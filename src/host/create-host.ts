// The one place the host is wired: stores, services, channels and the group runner.
import crypto from 'node:crypto';
import path from 'node:path';
import type {Config} from '../config.js';
import type {Channel, ChannelCallbacks} from '../channels/channel.js';
import {LocalChatChannel} from '../channels/local-chat.js';
import {createIpcWatcher} from '../ipc/ipc-watcher.js';
import {LlmBridge} from '../llm-bridge.js';
import {createLogger} from '../logger.js';
import type {LogStore} from '../log-store.js';
import {MountAllowlist} from '../mounts/allowlist.js';
import {MountApprovals} from '../mounts/mount-requests.js';
import {Outbox} from '../outbox.js';
import {homePaths} from '../paths.js';
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
import type {InboundMessage} from '../types.js';
import {HostEmitter} from './events.js';
import {GroupRunner} from './group-runner.js';
import {prepareHome} from './home-setup.js';
import type {HostSnapshot} from './host-api.js';
import {createHostApi, type Host} from './host-api-impl.js';
import {createIpcHandlers} from './ipc-handlers.js';
import {acquireHostLock} from './lock.js';
import {installLabelFor, type HostPaths} from './sandbox-spec.js';
import {createWhatsAppChannel, type WhatsAppLink} from './whatsapp-link.js';

export type {Host} from './host-api-impl.js';

export interface CreateHostOptions {
	config: Config;
	launcher: SandboxLauncher;
	/** The UI's log ring; a new one otherwise. */
	logStore?: LogStore;
	/** Connect WhatsApp (when paired) and allow pairing: the UI and headless modes. */
	whatsapp?: boolean;
	logToStderr?: boolean;
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
	const changed = (part: keyof HostSnapshot) => events.emit('change', {part});
	const allowlist = new MountAllowlist({file: config.mountAllowlistPath});
	const approvals = new MountApprovals({store: new MountRequestStore(db), allowlist, logger, onChange: () => changed('mounts')});
	const skills = new SkillLibrary({
		builtinDir: path.join(config.projectRoot, 'skills'),
		userDir: paths.skillsDir,
		syncedDir: paths.syncedSkillsDir,
		logger,
		onChange: () => changed('skills'),
	});

	const local = new LocalChatChannel();
	const channels: Channel[] = [local];
	const outbox = new Outbox({store: new OutboxStore(db), channels: () => channels, logger});

	const deliver = async (chatJid: string, text: string, deliverOptions: {error?: boolean} = {}) => {
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
		if (groupFolder) events.emit('reply', {groupFolder, chatJid, text, error: deliverOptions.error});
		return outbox.enqueue(chatJid, text);
	};

	let whatsapp: WhatsAppLink | undefined;
	const runner: GroupRunner = new GroupRunner({
		config,
		paths,
		messages,
		groups,
		runs,
		launcher,
		llm: new LlmBridge({baseUrl: config.ollamaBaseUrl, model: config.ollamaModel}),
		logger,
		installLabel: installLabelFor(config.home),
		deliver: (chatJid, text, deliverOptions) => void deliver(chatJid, text, deliverOptions).catch((error: Error) => logger.error({chat: chatJid, err: error.message}, 'a reply could not be stored')),
		extraMounts: (group) => approvals.resolveGroupMounts(group),
		planTurn: (group, batch) => planSkillTurn({messages: batch, skills: skills.skills(), trigger: group.trigger, assistantName: config.assistantName}),
		selfChatJid: () => whatsapp?.channel.selfJid(),
		setTyping: (chatJid, typing) => void channels.find((c) => c.ownsJid(chatJid))?.setTyping?.(chatJid, typing).catch(() => {}),
		onRunUpdate: () => changed('runs'),
		onDelta: (groupFolder, chatJid, text) => events.emit('delta', {groupFolder, chatJid, text}),
		onTurn: (groupFolder, chatJid, ok, error) => events.emit('turn', {groupFolder, chatJid, ok, error}),
	});

	const callbacks: ChannelCallbacks = {
		onMessage(message) {
			const group = runner.groupOfChat(message.chatJid);
			if (!group) return;
			const seq = messages.insert(message);
			if (seq === null) return;
			events.emit('message', {message: {...message, seq}, groupFolder: group.folder});
			if (!message.isBotMessage) runner.wake(group.folder);
		},
		onChatMetadata(chat) {
			messages.upsertChat({jid: chat.jid, name: chat.name, channel: chat.jid.startsWith('local:') ? 'local' : 'whatsapp', isGroup: chat.isGroup, at: chat.at});
			changed('chats');
		},
		onConnectionChange(connected) {
			if (connected && whatsapp) void outbox.flush(whatsapp.channel);
		},
	};
	if (options.whatsapp) {
		whatsapp = await createWhatsAppChannel({paths, logger, callbacks, onState: () => changed('whatsapp')});
		channels.push(whatsapp.channel);
	}

	const scheduler = new TaskScheduler({
		store: new TaskStore(db),
		timezone: config.timezone,
		logger,
		enqueueTask: (task) => runner.runTask(task),
		onChange: () => changed('tasks'),
	});
	const ipc = createIpcWatcher({
		ipcDir: paths.ipcDir,
		logger,
		groups: () => groups.all(),
		findTask: (taskId) => scheduler.get(taskId),
		handlers: createIpcHandlers({
			config,
			groups,
			scheduler,
			approvals,
			deliver: (chatJid, text) => deliver(chatJid, text),
			onGroupsChanged: () => changed('groups'),
			// WhatsApp syncs group names on connect and daily; the answer lists what is registered.
			refreshGroups: async () => {},
		}),
	});

	return createHostApi({
		config,
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
		skills,
		whatsapp: () => whatsapp,
		callbacks,
		async start() {
			allowlist.startWatching();
			skills.start();
			await ipc.start();
			scheduler.start();
		},
		async stop() {
			await ipc.stop();
			scheduler.stop();
			await runner.stop();
			outbox.stop();
			for (const channel of channels) await channel.disconnect().catch(() => {});
			await skills.close();
			approvals.close();
			allowlist.close();
			flush();
			db.close();
			releaseLock();
		},
	});
}

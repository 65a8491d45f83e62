import crypto from 'node:crypto';
import path from 'node:path';
import {isoNow, type HostClock} from '../clock.js';
import type {Config} from '../config.js';
import type {Channel, ChannelCallbacks} from '../channels/channel.js';
import {localJid, type LocalChatChannel} from '../channels/local-chat.js';
import {imageStaleness} from '../image/image-staleness.js';
import type {LlmBridge} from '../llm-bridge.js';
import type {Logger} from '../logger.js';
import type {MemoryUpkeep} from '../memory/memory-upkeep.js';
import type {LogStore} from '../log-store.js';
import {existingFolder} from '../paths.js';
import type {MountAllowlist} from '../mounts/allowlist.js';
import type {MountApprovals} from '../mounts/mount-requests.js';
import {reapOrphans} from '../runtimes/reap.js';
import type {SandboxLauncher} from '../runtimes/runtime.js';
import type {TaskScheduler} from '../scheduler/task-scheduler.js';
import {skillText} from '../skills/skill-loader.js';
import type {SkillLibrary} from '../skills/skill-sync.js';
import {newGroup, type GroupStore} from '../store/groups.js';
import type {MessageStore} from '../store/messages.js';
import type {RunStore} from '../store/runs.js';
import type {WebAccess} from '../web/web-access.js';
import type {InboundMessage, RegisteredGroup} from '../api/types.js';
import type {HostEmitter} from '../api/host-emitter.js';
import type {SandboxVerdicts} from './sandbox-verdicts.js';
import type {GroupRunner} from './group-runner.js';
import type {HostApi, HostSnapshot, OllamaState, RuntimeInfo} from '../api/host-api.js';
import {installLabelFor} from './sandbox-spec.js';
import type {WhatsAppLink} from './whatsapp-link.js';

export interface Host extends HostApi {
	logger: Logger;
	local: LocalChatChannel;
	/** Reaps orphans, starts the services, re-queues unanswered messages, probes Ollama. */
	start(): Promise<void>;
	groupOfFolder(folder: string): RegisteredGroup | undefined;
	/** Nothing in progress or queued: no turn, task run or send (warm runs may wait idle). */
	quiet(): boolean;
}

export interface HostParts {
	config: Config;
	clock: HostClock;
	launcher: SandboxLauncher;
	logger: Logger;
	logs: LogStore;
	events: HostEmitter;
	local: LocalChatChannel;
	channels: Channel[];
	stores: {messages: MessageStore; groups: GroupStore; runs: RunStore};
	runner: GroupRunner;
	scheduler: TaskScheduler;
	approvals: MountApprovals;
	allowlist: MountAllowlist;
	web: WebAccess;
	memory: MemoryUpkeep;
	skills: SkillLibrary;
	llm: LlmBridge;
	/** The sandbox checks, when this host runs them (the UI and headless modes). */
	verdicts?: SandboxVerdicts;
	whatsapp(): WhatsAppLink | undefined;
	callbacks: ChannelCallbacks;
	/** Stores a message and wakes its group; the sequence, or null when it was not stored. */
	receive(message: InboundMessage): number | null;
	start(): Promise<void>;
	stop(): Promise<void>;
	/** Whether the outbox is sending nothing now. */
	outboxQuiet(): boolean;
}

/** The HostApi over the wired parts: snapshots and the operator's actions. */
export function createHostApi(parts: HostParts): Host {
	const {config, launcher, logger, events, stores, runner, scheduler, approvals, allowlist, web, skills} = parts;
	const {messages, groups, runs} = stores;
	const changed = (part: keyof HostSnapshot) => events.emit('change', {part});
	let ollama: OllamaState = {reachable: false, model: config.ollamaModel, modelPresent: null, toolsSupported: null};
	const runtime: RuntimeInfo = {name: launcher.name, engine: launcher.engine, sandboxed: launcher.sandboxed};

	const requireGroup = (folder: string) => {
		const group = groups.byFolder(folder);
		if (!group) throw new Error(`no group with folder "${folder}": see \`babybot-tui groups list\``);
		return group;
	};
	const requireWhatsApp = () => {
		const link = parts.whatsapp();
		if (!link) throw new Error('WhatsApp is off in this mode: pair from the UI or with `babybot-tui pair`');
		return link.channel;
	};
	const taskAction = async (what: string, taskId: string, act: () => unknown) => {
		act();
		logger.info({task: taskId}, `task ${what} by the operator`);
	};

	let stopping: Promise<void> | undefined;
	const host: Host = {
		logger,
		logs: parts.logs,
		events,
		local: parts.local,
		groupOfFolder: (folder) => groups.byFolder(folder),
		quiet: () => runner.quiet() && scheduler.quiet() && parts.outboxQuiet(),
		async start() {
			const reaped = await reapOrphans(launcher, installLabelFor(config.home)).catch((error: Error) => {
				logger.warn({err: error.message}, 'could not look for orphan containers');
				return [];
			});
			if (reaped.length > 0) logger.info({containers: reaped}, 'removed containers an earlier host left running');
			await parts.start();
			for (const channel of parts.channels) await channel.connect().catch((error: Error) => logger.error({channel: channel.name, err: error.message}, 'channel failed to connect'));
			parts.verdicts?.start();
			const requeued = runner.recover();
			if (requeued > 0) logger.info({groups: requeued}, 'unanswered messages queued again after a restart');
			void imageStaleness(config, {runtime: launcher.name, engine: launcher.engine}).then((stale) => {
				if (!stale) return;
				runtime.imageStale = stale;
				logger.warn(stale);
				changed('runtime');
			});
			// The model is loaded now (with its num_ctx), so the first message does not wait for it.
			void parts.llm.probe().then((state) => {
				ollama = state;
				if (state.error) logger.warn(state.error);
				const warning = state.context?.warning;
				if (warning) {
					logger.warn(warning);
					events.emit('notice', {level: 'warn', text: warning});
				}
				changed('ollama');
				if (!state.reachable || !state.modelPresent) return;
				parts.llm.load().then(
					() => logger.info({model: config.ollamaModel, numCtx: state.context?.numCtx, keepAlive: config.ollamaKeepAlive}, 'model loaded'),
					(error: Error) => logger.warn({err: error.message}, 'could not load the model'),
				);
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
				tasks: scheduler.list().map((task) => ({...task, upcoming: scheduler.upcoming(task.id)})),
				subagents: runner.outputs.subagents(),
				mounts: approvals.view(),
				web: web.view(),
				skills: skills.skills(),
				whatsapp: parts.whatsapp()?.channel.currentState() ?? {status: 'off'},
				ollama: {...ollama, context: parts.llm.contextInUse() ?? ollama.context, queue: parts.llm.queueView()},
				runtime: {...runtime},
				sandboxChecks: parts.verdicts?.view() ?? {},
				limits: {idleTimeoutMs: config.containerIdleTimeoutMs, hardTimeoutMs: config.containerTimeoutMs},
				timezone: config.timezone,
				selfChatJid: parts.whatsapp()?.channel.selfJid(),
			};
		},
		runOutput: async (runId) => runner.outputs.get(runId),
		async sendLocalMessage(folder, text) {
			requireGroup(folder);
			const now = isoNow(parts.clock);
			parts.callbacks.onChatMetadata({jid: localJid(folder), name: `local ${folder}`, at: now});
			const seq = parts.receive({
				id: `local-${crypto.randomUUID()}`,
				chatJid: localJid(folder),
				sender: 'operator',
				senderName: 'Operator',
				content: text,
				timestamp: now,
				fromMe: false,
				isBotMessage: false,
			});
			if (seq === null) throw new Error(`the message to ${folder} could not be stored: try again`);
			return {seq};
		},
		async killRun(runId) {
			if (!(await runner.kill(runId))) throw new Error(`run ${runId} is not live`);
			logger.info({run: runId}, 'run killed by the operator');
		},
		async killSubagent(runId, subagentId) {
			if (!runner.killSubagent(runId, subagentId)) throw new Error(`sub-agent ${subagentId} of run ${runId} is not running`);
			logger.info({run: runId, subagent: subagentId}, 'sub-agent killed by the operator');
		},
		async registerGroup(input) {
			const group = {...newGroup(input, config.trigger), addedAt: isoNow(parts.clock)};
			groups.add(group);
			logger.info({group: group.folder, jid: group.jid}, 'group registered by the operator');
			changed('groups');
			parts.verdicts?.checkMissing();
			return group;
		},
		async unregisterGroup(jidOrFolder) {
			const group = groups.byJid(jidOrFolder) ?? groups.byFolder(jidOrFolder);
			if (!group) throw new Error(`no registered group "${jidOrFolder}"`);
			if (group.isMain) throw new Error('the main group cannot be unregistered');
			const {pausedTasks} = groups.remove(group.jid)!;
			logger.info({group: group.folder, pausedTasks}, 'group unregistered by the operator (its folder is kept, its tasks paused)');
			changed('groups');
			if (pausedTasks > 0) changed('tasks');
			return group;
		},
		async approveMount(requestId, mode, scope = 'group') {
			const approved = approvals.approve(requestId, mode, 'operator', scope);
			if (scope === 'all') for (const group of groups.all()) runner.retire(group.folder);
			else runner.retire(approved.groupFolder);
		},
		async rejectMount(requestId) {
			approvals.reject(requestId, 'operator');
		},
		async allowMountRoot(hostPath, readWrite, scope = {}) {
			if (!path.isAbsolute(hostPath)) throw new Error(`${hostPath} is not an absolute path: give the folder's full path`);
			const {added} = allowlist.addAllowedRoot(existingFolder(hostPath), readWrite, undefined, scope);
			allowlist.reload();
			logger.info({root: hostPath, readWrite, ...scope}, 'allowed mount root added by the operator');
			return {added, allowlistPath: allowlist.file};
		},
		async revokeMountRoot(hostPath) {
			const {removed} = allowlist.removeAllowedRoot(hostPath);
			allowlist.reload();
			logger.info({root: hostPath}, 'allowed mount root revoked by the operator');
			return {removed, allowlistPath: allowlist.file};
		},
		async approveHost(requestId, scope) {
			web.approve(requestId, scope, 'operator');
		},
		async rejectHost(requestId) {
			web.reject(requestId, 'operator');
		},
		pauseTask: (taskId) => taskAction('paused', taskId, () => scheduler.pause(taskId)),
		resumeTask: (taskId) => taskAction('resumed', taskId, () => scheduler.resume(taskId)),
		runTaskNow: (taskId) => taskAction('run now', taskId, () => scheduler.runNow(taskId)),
		deleteTask: (taskId) => taskAction('deleted', taskId, () => scheduler.cancel(taskId)),
		setTaskMisfire: (taskId, misfire) => taskAction(`set to misfire ${misfire}`, taskId, () => scheduler.update(taskId, {misfire})),
		async triggerSkill(folder, name, args) {
			if (!skills.find(name)) throw new Error(`no skill "${name}": see the Skills pane`);
			await host.sendLocalMessage(folder, `/${name}${args ? ` ${args}` : ''}`);
		},
		async skillText(name) {
			const skill = skills.find(name);
			if (!skill) throw new Error(`no skill "${name}"`);
			return skillText(skill);
		},
		memoryDetails: async (folder) => parts.memory.details(requireGroup(folder)),
		async restoreMemory(folder, file, versionId) {
			await parts.memory.restore(requireGroup(folder), file, versionId);
		},
		async startPairing(options) {
			await requireWhatsApp().startPairing(options);
		},
		stop() {
			if (!stopping) {
				// Listeners hear of it first (a listener may call stop() again: it gets this same promise).
				stopping = Promise.resolve().then(() => parts.stop());
				events.emit('stopping', {reason: 'the host was stopped'});
			}
			return stopping;
		},
	};
	return host;
}

import crypto from 'node:crypto';
import type {Config} from '../config.js';
import {GroupQueue} from '../group-queue.js';
import {describeRequest, describeSummary} from '../llm/llm-stats.js';
import type {Logger} from '../logger.js';
import {formatMessages, formatScheduledPrompt, shouldTrigger, stripInternal} from '../router.js';
import type {SandboxLauncher} from '../runtimes/runtime.js';
import {RunOutputs} from '../runner/run-output.js';
import {swarmSettings} from '../runner/subagents.js';
import {SandboxRun, type LlmServer, type TurnRequest, type TurnResult, type WebServer} from '../runner/sandbox-run.js';
import type {TurnPlan} from '../skills/turn-plan.js';
import type {MessageStore} from '../store/messages.js';
import type {GroupStore} from '../store/groups.js';
import type {RunStore} from '../store/runs.js';
import type {ContainerRun, ContextMode, RegisteredGroup, ScheduledTask, StoredMessage} from '../api/types.js';
import {groupSandboxSpec} from './group-sandbox.js';
import {chatsOfGroup, sandboxUid, unwritableBySandbox} from './sandbox-spec.js';
import type {HostPaths} from './sandbox-spec.js';

export interface GroupRunnerDeps {
	config: Config;
	paths: HostPaths;
	messages: MessageStore;
	groups: GroupStore;
	runs: RunStore;
	launcher: SandboxLauncher;
	llm: LlmServer;
	/** web_fetch through the host; absent: refused. */
	web?: WebServer;
	logger: Logger;
	installLabel: string;
	/** Sends a reply to a chat (through the outbox). */
	/**
	 * Sends a reply to a chat (through the outbox). `throughSeq`: the last message of the turn it
	 * answers; unless `provisional`, it is stored as answered (recovery after a crash skips it).
	 */
	deliver(chatJid: string, text: string, options?: {error?: boolean; throughSeq?: number; provisional?: boolean}): void;
	/** Extra mounts validated for the group's next run. */
	extraMounts(group: RegisteredGroup): Array<{name: string; hostPath: string; readonly: boolean}>;
	/** Host commands and skill invocations; default: plain prompt. */
	planTurn?(group: RegisteredGroup, messages: StoredMessage[]): TurnPlan;
	setTyping?(chatJid: string, typing: boolean): void;
	/** The operator's WhatsApp self-chat, which counts as input to main. */
	selfChatJid?(): string | undefined;
	onRunUpdate(run: ContainerRun): void;
	/** A sub-agent of a run started, moved on or ended. */
	onSubagent?(): void;
	onDelta(groupFolder: string, chatJid: string, text: string): void;
	onTurn(turn: {groupFolder: string; chatJid: string; ok: boolean; error?: string; throughSeq?: number}): void;
	/** Why the group may not start a run (over its disk quota), or undefined. */
	diskQuotaProblem?(group: RegisteredGroup): Promise<string | undefined>;
	/** A run of the group ended (its folder is measured again). */
	afterRun?(group: RegisteredGroup): void;
}

type TaskOutcome = {ok: boolean; result?: string; error?: string; notStarted?: boolean};

interface TaskWork {
	task: ScheduledTask;
	/** Called when the task's prompt goes to the agent. */
	started(): void;
	resolve(result: TaskOutcome): void;
}

interface LiveRun {
	run: SandboxRun;
	contextMode: ContextMode;
}

/**
 * Messages and due tasks become turns of a group's sandbox run: one run per group through the
 * group queue, follow-ups written into a warm run, cursors moved only when a turn succeeded.
 */
export class GroupRunner {
	private readonly live = new Map<string, LiveRun>();
	/** Per chat: the last message sequence handed to a live run and not yet confirmed. */
	private readonly inFlight = new Map<string, number>();
	private readonly tasks = new Map<string, TaskWork[]>();
	/** Host commands answered while a turn of their chat was in flight: the cursor passes them with it. */
	private readonly answeredAhead = new Map<string, {after: number; seq: number}>();
	/** Read-write mounts already reported as not writable by the sandbox user (once per host). */
	private readonly warnedUnwritable = new Set<string>();
	/** The last crash of a group's sandbox, told to its chat when the queue stops retrying. */
	private readonly lastCrash = new Map<string, {chatJid: string; error: string; throughSeq: number}>();
	readonly queue: GroupQueue;
	/** Recent output of the last runs, for the details view. */
	readonly outputs = new RunOutputs();
	private stopping = false;

	constructor(private readonly deps: GroupRunnerDeps) {
		this.queue = new GroupQueue({
			maxConcurrent: deps.config.maxConcurrentContainers,
			run: (folder) => this.runGroup(folder),
			onSlotWanted: () => this.closeOldestIdleRun(),
			onGiveUp: (folder, attempts) => this.giveUp(folder, attempts),
		});
	}

	liveRuns(): ContainerRun[] {
		return [...this.live.values()].map(({run}) => ({...run.record}));
	}

	/** New work for a group: into its warm run if it can take it, else through the queue. */
	wake(folder: string): void {
		if (this.stopping) return;
		const live = this.live.get(folder);
		const group = this.deps.groups.byFolder(folder);
		if (!group) return;
		if (live && live.contextMode === 'group' && live.run.acceptsTurns) {
			this.pumpMessages(group, live.run);
			return;
		}
		this.queue.enqueue(folder);
	}

	/** Runs a due task through the group's queue; resolves when its turn is done. */
	runTask(task: ScheduledTask, started: () => void = () => {}): Promise<TaskOutcome> {
		return new Promise((resolve) => {
			const live = this.live.get(task.groupFolder);
			if (live && task.contextMode === 'group' && live.contextMode === 'group' && live.run.acceptsTurns) {
				void this.submitTask(live.run, {task, started, resolve});
				return;
			}
			this.tasks.set(task.groupFolder, [...(this.tasks.get(task.groupFolder) ?? []), {task, started, resolve}]);
			if (live && !live.run.busy) live.run.close('idle');
			this.queue.enqueue(task.groupFolder);
		});
	}

	/** The group's warm run closes once idle, so its next turn starts with the current mounts. */
	retire(folder: string): void {
		this.live.get(folder)?.run.retire();
	}

	/** Stops one sub-agent of a live run; false when the run is not live or the sub-agent not running. */
	killSubagent(runId: string, subagentId: string): boolean {
		const live = [...this.live.values()].find(({run}) => run.record.id === runId);
		return live?.run.killSubagent(subagentId) ?? false;
	}

	async kill(runId: string): Promise<boolean> {
		for (const {run} of this.live.values()) {
			if (run.record.id === runId) {
				await run.kill('killed');
				return true;
			}
		}
		return false;
	}

	/**
	 * Re-queues every chat with messages past its cursor (after a restart). A turn whose answer was
	 * stored before the crash is done: its cursor moves instead, so it is not answered twice.
	 */
	recover(): number {
		const folders = new Set<string>();
		for (const chatJid of this.deps.messages.chatsWithPending()) {
			this.deps.messages.advanceCursor(chatJid, this.deps.messages.lastAnsweredSeq(chatJid));
			if (this.pendingMessages(chatJid).length === 0) continue;
			const group = this.groupOfChat(chatJid);
			if (group) folders.add(group.folder);
		}
		for (const folder of folders) this.wake(folder);
		return folders.size;
	}

	async stop(): Promise<void> {
		this.stopping = true;
		this.queue.stop();
		for (const works of this.tasks.values()) for (const work of works) work.resolve({ok: false, notStarted: true, error: 'the host is shutting down'});
		this.tasks.clear();
		await Promise.all([...this.live.values()].map(({run}) => run.kill('shutdown')));
	}

	groupOfChat(chatJid: string): RegisteredGroup | undefined {
		const direct = this.deps.groups.byJid(chatJid);
		if (direct) return direct;
		if (chatJid === this.deps.selfChatJid?.()) return this.deps.groups.main();
		return chatJid.startsWith('local:') ? this.deps.groups.byFolder(chatJid.slice('local:'.length)) : undefined;
	}

	private chatsOf(group: RegisteredGroup): string[] {
		const self = group.isMain ? this.deps.selfChatJid?.() : undefined;
		return self ? [...chatsOfGroup(group), self] : chatsOfGroup(group);
	}

	private async runGroup(folder: string): Promise<boolean> {
		const group = this.deps.groups.byFolder(folder);
		if (!group || this.stopping) return true;
		const message = this.nextMessageTurn(group);
		const task = message ? undefined : this.tasks.get(folder)?.shift();
		if (!message && !task) return true;
		const overQuota = await this.deps.diskQuotaProblem?.(group);
		if (overQuota) {
			if (message) this.refuseTurn(group, message, overQuota);
			else task?.resolve({ok: false, error: overQuota});
			return true;
		}
		const contextMode: ContextMode = task ? task.task.contextMode : 'group';
		let firstFailed = false;
		let ok = false;
		// The first turn carries the model's budget; without Ollama the first request says why.
		await this.deps.llm.prepare?.().catch(() => undefined);
		try {
			const run = this.createRun(group, contextMode);
			this.live.set(folder, {run, contextMode});
			if (message) {
				const result = message.begin(run);
				firstFailed = !(await result);
			} else if (task) {
				const result = await this.submitTask(run, task, true);
				firstFailed = !result.ok && run.state === 'ended';
				if (contextMode === 'isolated') run.close('idle');
			}
			if (contextMode === 'group') {
				for (const work of this.tasks.get(folder)?.splice(0) ?? []) {
					if (work.task.contextMode === 'group') void this.submitTask(run, work);
					else this.tasks.set(folder, [...(this.tasks.get(folder) ?? []), work]);
				}
			}
			await run.ended;
			const llm = this.outputs.get(run.record.id)?.llm;
			if (llm) this.deps.logger.info({group: folder, run: run.record.id}, `run's model use: ${describeSummary(llm)}`);
			ok = !(firstFailed && crashed(run));
			return ok;
		} catch (error) {
			const why = `the sandbox could not start: ${(error as Error).message}`;
			this.deps.logger.error({group: folder, err: why}, 'run failed to start');
			if (message) this.lastCrash.set(folder, {chatJid: message.chatJid, error: why, throughSeq: message.throughSeq});
			else task?.resolve({ok: false, error: why});
			return false;
		} finally {
			this.live.delete(folder);
			this.deps.afterRun?.(group);
			for (const chat of this.chatsOf(group)) {
				this.inFlight.delete(chat);
				this.answeredAhead.delete(chat);
			}
			// Work that arrived as the run ended; after a failure the queue's retry takes it (or, once it
			// gives up, the next message), so a dead runtime is not retried in a tight loop.
			if (ok && ((this.tasks.get(folder)?.length ?? 0) > 0 || this.hasPendingMessages(group))) this.queue.enqueue(folder);
		}
	}

	private createRun(group: RegisteredGroup, contextMode: ContextMode): SandboxRun {
		const {config, launcher, logger} = this.deps;
		const extraMounts = this.deps.extraMounts(group);
		const spec = groupSandboxSpec(this.deps, group, extraMounts);
		if (launcher.sandboxed) {
			for (const hostPath of unwritableBySandbox(extraMounts)) {
				const key = `${group.folder}\u0000${hostPath}`;
				if (this.warnedUnwritable.has(key)) continue;
				this.warnedUnwritable.add(key);
				logger.warn({group: group.folder, path: hostPath}, `read-write mount ${hostPath} is not writable by the sandbox user (uid ${sandboxUid}, as the host runs as root): chown it to ${sandboxUid}, or run babybot as a regular user`);
			}
		}
		return new SandboxRun({
			launcher,
			spec,
			llm: this.deps.llm,
			web: this.deps.web,
			logger,
			idleTimeoutMs: config.containerIdleTimeoutMs,
			hardTimeoutMs: config.containerTimeoutMs,
			maxOutputBytes: config.containerMaxOutputBytes,
			output: this.outputs.create(spec.runId),
			start: {
				runId: spec.runId,
				group: {folder: group.folder, name: group.name, isMain: group.isMain, chatJid: group.jid},
				assistantName: config.assistantName,
				contextMode,
				limits: {maxToolRounds: 20, toolOutputChars: 20_000, ipcAckTimeoutMs: 30_000},
				swarm: swarmSettings(config),
			},
			onSubagent: () => this.deps.onSubagent?.(),
			onOutput: (turn, text) => {
				const clean = stripInternal(text);
				if (clean) this.deps.deliver(turn.chatJid, clean, {throughSeq: turn.throughSeq});
			},
			onDelta: (turn, text) => this.deps.onDelta(group.folder, turn.chatJid, text),
			onLlmStats: (stats) => {
				const fields = {group: group.folder, run: spec.runId};
				if (stats.overBudget) logger.warn(fields, `model request over its budget: ${describeRequest(stats)}; the estimate was raised`);
				else logger.info(fields, `model request: ${describeRequest(stats)}`);
			},
			onUpdate: (record) => {
				this.deps.runs.save(record);
				this.deps.onRunUpdate(record);
			},
		});
	}

	private hasPendingMessages(group: RegisteredGroup): boolean {
		return this.chatsOf(group).some((chat) => this.pendingMessages(chat).length > 0);
	}

	private pendingMessages(chatJid: string): StoredMessage[] {
		const after = Math.max(this.deps.messages.cursor(chatJid), this.inFlight.get(chatJid) ?? 0);
		return this.deps.messages.since(chatJid, after).filter((m) => !m.isBotMessage);
	}

	/** The next triggered batch of messages of any of the group's chats, as a turn. */
	private nextMessageTurn(group: RegisteredGroup): {chatJid: string; throughSeq: number; begin(run: SandboxRun): Promise<boolean>} | undefined {
		for (const chatJid of this.chatsOf(group)) {
			const pending = this.pendingMessages(chatJid);
			if (pending.length === 0) continue;
			if (!shouldTrigger(chatJid.startsWith('local:') ? {...group, requiresTrigger: false} : group, pending)) continue;
			const lastSeq = pending.at(-1)!.seq;
			const plan = this.deps.planTurn?.(group, pending) ?? {};
			if ('reply' in plan) {
				// Behind a turn still in flight, the cursor waits for that turn (which may yet fail), and
				// the answer does not count for recovery, which would otherwise skip that turn.
				const behind = this.inFlight.get(chatJid);
				this.deps.deliver(chatJid, plan.reply, {throughSeq: lastSeq, provisional: behind !== undefined});
				if (behind !== undefined) {
					const earlier = this.answeredAhead.get(chatJid);
					this.inFlight.set(chatJid, lastSeq);
					this.answeredAhead.set(chatJid, {after: earlier?.seq === behind ? earlier.after : behind, seq: lastSeq});
				} else {
					this.deps.messages.advanceCursor(chatJid, lastSeq);
				}
				this.deps.onTurn({groupFolder: group.folder, chatJid, ok: true, throughSeq: lastSeq});
				continue;
			}
			const request: TurnRequest = {turnId: crypto.randomUUID(), chatJid, prompt: formatMessages(pending), throughSeq: lastSeq, ...plan};
			this.inFlight.set(chatJid, lastSeq);
			return {
				chatJid,
				throughSeq: lastSeq,
				begin: (run) => this.track(group, run, request, lastSeq, run.state === 'starting' ? run.begin(request) : run.submit(request)),
			};
		}
		return undefined;
	}

	private pumpMessages(group: RegisteredGroup, run: SandboxRun): void {
		let turn = this.nextMessageTurn(group);
		while (turn) {
			void turn.begin(run);
			turn = this.nextMessageTurn(group);
		}
	}

	private async track(group: RegisteredGroup, run: SandboxRun, request: TurnRequest, lastSeq: number, result: Promise<TurnResult>): Promise<boolean> {
		this.deps.setTyping?.(request.chatJid, true);
		const outcome = await result;
		this.deps.setTyping?.(request.chatJid, false);
		if (outcome.ok) {
			this.advanceCursor(request.chatJid, lastSeq);
			this.lastCrash.delete(group.folder);
		} else {
			this.inFlight.delete(request.chatJid);
			const error = outcome.error ?? 'the agent failed';
			this.deps.logger.error({group: group.folder, chat: request.chatJid, err: error}, 'turn failed');
			// A crashed sandbox is retried by the queue (the chat hears if it gives up); a shutdown is
			// answered after the restart; anything else (timeout, kill, model error) is told now, and
			// that warning is the turn's answer: the messages are not run again, a new one asks again.
			if (crashed(run)) this.lastCrash.set(group.folder, {chatJid: request.chatJid, error, throughSeq: lastSeq});
			else if (run.stopReason !== 'shutdown') this.answerWithError(request.chatJid, error, lastSeq);
		}
		this.deps.onTurn({groupFolder: group.folder, chatJid: request.chatJid, ok: outcome.ok, error: outcome.error, throughSeq: lastSeq});
		return outcome.ok;
	}

	private async submitTask(run: SandboxRun, work: TaskWork, first = false): Promise<TaskOutcome> {
		const {task} = work;
		work.started();
		const request: TurnRequest = {turnId: crypto.randomUUID(), chatJid: task.chatJid, prompt: formatScheduledPrompt(task.prompt, task.id), lane: 'task'};
		const outcome = await (first ? run.begin(request) : run.submit(request));
		const result = {ok: outcome.ok, result: outcome.outputs.join('\n'), error: outcome.error};
		work.resolve(result);
		return result;
	}

	/** A message turn answered with why it cannot run, without starting a sandbox. */
	private refuseTurn(group: RegisteredGroup, turn: {chatJid: string; throughSeq: number}, error: string): void {
		this.inFlight.delete(turn.chatJid);
		this.answerWithError(turn.chatJid, error, turn.throughSeq);
		this.deps.onTurn({groupFolder: group.folder, chatJid: turn.chatJid, ok: false, error, throughSeq: turn.throughSeq});
	}

	private answerWithError(chatJid: string, error: string, throughSeq: number): void {
		this.deps.deliver(chatJid, `⚠️ ${error}`, {error: true, throughSeq});
		this.advanceCursor(chatJid, throughSeq);
	}

	/** Past a concluded turn, and past the host commands answered while it was the last one in flight. */
	private advanceCursor(chatJid: string, throughSeq: number): void {
		const ahead = this.answeredAhead.get(chatJid);
		if (ahead?.after === throughSeq) this.answeredAhead.delete(chatJid);
		this.deps.messages.advanceCursor(chatJid, ahead?.after === throughSeq ? ahead.seq : throughSeq);
	}

	private giveUp(folder: string, attempts: number): void {
		const crash = this.lastCrash.get(folder);
		this.lastCrash.delete(folder);
		for (const work of this.tasks.get(folder)?.splice(0) ?? []) work.resolve({ok: false, error: crash?.error ?? `the group's sandbox kept failing (${attempts} times)`});
		this.deps.logger.error({group: folder, attempts, err: crash?.error}, 'group run kept failing: giving up until the next message');
		if (crash) this.answerWithError(crash.chatJid, `${crash.error} (tried ${attempts} times; send your message again to retry)`, crash.throughSeq);
	}

	/** Frees a slot for a waiting group by closing the warm run that has been idle longest. */
	private closeOldestIdleRun(): void {
		const idle = [...this.live.values()]
			.map(({run}) => run)
			.filter((run) => run.state === 'idle')
			.sort((a, b) => (a.record.lastOutputAt ?? '').localeCompare(b.record.lastOutputAt ?? ''));
		idle[0]?.close('idle');
	}
}

/** The sandbox died on its own (not stopped by the host): worth a retry. */
function crashed(run: SandboxRun): boolean {
	return run.state === 'ended' && run.record.endReason === 'error';
}

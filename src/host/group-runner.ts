import crypto from 'node:crypto';
import type {MemoryUpkeep} from '../../container/agent-runner/src/protocol.js';
import {GroupQueue} from '../group-queue.js';
import {describeSummary} from '../llm/llm-stats.js';
import {batchWindow, chatTrigger, formatMessages, formatScheduledPrompt, type BatchLimits} from '../router.js';
import type {TaskRunOutcome} from '../scheduler/task-scheduler.js';
import {RunOutputs} from '../runner/run-output.js';
import type {SandboxRun, TurnRequest, TurnResult} from '../runner/sandbox-run.js';
import type {ContainerRun, ContextMode, RegisteredGroup, ScheduledTask, StoredMessage} from '../api/types.js';
import {ChatBatches} from './chat-batches.js';
import {ChatCursors} from './chat-cursors.js';
import {chatsOfGroup} from './sandbox-spec.js';
import type {GroupRunnerDeps} from './group-runner-deps.js';
import {createSandboxRun} from './sandbox-run-factory.js';

/** Characters of a turn's messages while the model's context is not known yet. */
const defaultBatchChars = 16_000;

interface TaskWork {
	task: ScheduledTask;
	/** Called when the task's prompt goes to the agent. */
	started(): void;
	resolve(result: TaskRunOutcome): void;
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
	private readonly tasks = new Map<string, TaskWork[]>();
	private readonly cursors: ChatCursors;
	/** Read-write mounts already reported as not writable by the sandbox user (once per host). */
	private readonly warnedUnwritable = new Set<string>();
	/** The last crash of a group's sandbox, told to its chat when the queue stops retrying. */
	private readonly lastCrash = new Map<string, {chatJid: string; error: string; throughSeq: number}>();
	readonly queue: GroupQueue;
	private readonly batches: ChatBatches;
	/** Recent output of the last runs, for the details view. */
	readonly outputs = new RunOutputs();
	private stopping = false;

	constructor(private readonly deps: GroupRunnerDeps) {
		this.batches = new ChatBatches(deps.messages);
		this.cursors = new ChatCursors(deps.messages);
		this.queue = new GroupQueue({
			maxConcurrent: deps.config.maxConcurrentContainers,
			run: (folder) => this.runGroup(folder),
			onSlotWanted: () => this.closeOldestIdleRun(),
			onGiveUp: (folder, attempts) => this.giveUp(folder, attempts),
			setTimer: deps.clock && ((fn, ms) => deps.clock!.setTimer(fn, ms)),
		});
	}

	/** Nothing in progress or waiting: every live run is idle (warm) and no turn or task waits. */
	quiet(): boolean {
		const runsIdle = [...this.live.values()].every(({run}) => run.state === 'idle');
		// A group the queue runs without a live run yet is starting one.
		const starting = this.queue.activeCount !== this.live.size;
		return runsIdle && !starting && this.queue.waitingGroups.length === 0 && [...this.tasks.values()].every((works) => works.length === 0);
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
		if (live && live.contextMode === 'group' && takesMore(live.run)) {
			this.pumpMessages(group, live.run);
			return;
		}
		this.queue.enqueue(folder);
	}

	/**
	 * Runs a due task through the group's queue; resolves when its turn is done. A warm run in the
	 * way (another context) retires as soon as its turn is done; a task whose group is gone settles
	 * at once, as an error that pauses it.
	 */
	runTask(task: ScheduledTask, started: () => void = () => {}): Promise<TaskRunOutcome> {
		if (!this.deps.groups.byFolder(task.groupFolder)) return Promise.resolve(groupGone(task.groupFolder));
		return new Promise((resolve) => {
			const live = this.live.get(task.groupFolder);
			if (live && task.contextMode === 'group' && live.contextMode === 'group' && takesMore(live.run)) {
				void this.submitTask(live.run, {task, started, resolve});
				return;
			}
			this.tasks.set(task.groupFolder, [...(this.tasks.get(task.groupFolder) ?? []), {task, started, resolve}]);
			live?.run.retire();
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

	/** The chats whose messages the group answers (main's include the operator's self-chat). */
	chatsOf(group: RegisteredGroup): string[] {
		const self = group.isMain ? this.deps.selfChatJid?.() : undefined;
		return self ? [...chatsOfGroup(group), self] : chatsOfGroup(group);
	}

	private async runGroup(folder: string): Promise<boolean> {
		const group = this.deps.groups.byFolder(folder);
		if (this.stopping) return true;
		if (!group) {
			for (const work of this.tasks.get(folder)?.splice(0) ?? []) work.resolve(groupGone(folder));
			return true;
		}
		// An isolated task waiting already made a warm run give way: it goes before new messages.
		const isolatedFirst = this.tasks.get(folder)?.[0]?.task.contextMode === 'isolated';
		const message = isolatedFirst ? undefined : this.nextMessageTurn(group);
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
		const memory = await this.deps.memoryUpkeep?.(group).catch((error: Error) => void this.deps.logger.warn({group: folder, err: error.message}, 'memory upkeep failed'));
		try {
			const run = this.createRun(group, contextMode, memory ?? undefined);
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
				if ((this.tasks.get(folder)?.length ?? 0) > 0) run.retire();
			}
			await run.ended;
			const llm = this.outputs.get(run.record.id)?.llm;
			if (llm) this.deps.logger.info({group: folder, run: run.record.id}, `run's model use: ${describeSummary(llm)}`);
			ok = !(firstFailed && crashed(run));
			return ok;
		} catch (error) {
			const why = `the sandbox could not start: ${(error as Error).message}`;
			this.deps.logger.error({group: folder, err: why}, 'run failed to start');
			if (message) {
				// Concluded like a crashed turn: listeners (`chat`) hear it now; the queue retries it.
				this.lastCrash.set(folder, {chatJid: message.chatJid, error: why, throughSeq: message.throughSeq});
				this.deps.onTurn({groupFolder: folder, chatJid: message.chatJid, ok: false, error: why, throughSeq: message.throughSeq});
			} else task?.resolve({ok: false, error: why});
			return false;
		} finally {
			this.live.delete(folder);
			this.deps.remeasureFolder?.(group);
			for (const chat of this.chatsOf(group)) {
				this.cursors.forget(chat);
			}
			// Work that arrived as the run ended; after a failure the queue's retry takes it (or, once it
			// gives up, the next message), so a dead runtime is not retried in a tight loop.
			if (ok && ((this.tasks.get(folder)?.length ?? 0) > 0 || this.hasPendingMessages(group))) this.queue.enqueue(folder);
		}
	}

	private createRun(group: RegisteredGroup, contextMode: ContextMode, memory?: MemoryUpkeep): SandboxRun {
		return createSandboxRun({deps: this.deps, group, contextMode, outputs: this.outputs, warnedUnwritable: this.warnedUnwritable, memory});
	}

	private hasPendingMessages(group: RegisteredGroup): boolean {
		return this.chatsOf(group).some((chat) => this.pendingMessages(chat).length > 0);
	}

	private pendingMessages(chatJid: string): StoredMessage[] {
		return this.batches.pending(chatJid, this.cursors.pendingAfter(chatJid));
	}

	/**
	 * A turn's messages take at most half of what the model's context leaves for the prompt (the
	 * rest is the system prompt, the tools and the conversation so far); a guess until it is known.
	 */
	private batchLimits(): BatchLimits {
		const budget = this.deps.llm.currentBudget?.();
		const chars = budget ? Math.floor(((budget.numCtx - budget.reserveTokens) * budget.charsPerToken) / 2) : defaultBatchChars;
		return {messages: batchWindow, chars};
	}

	/** The next triggered batch of messages of any of the group's chats, as a turn. */
	private nextMessageTurn(group: RegisteredGroup): {chatJid: string; throughSeq: number; begin(run: SandboxRun): Promise<boolean>} | undefined {
		for (const chatJid of this.chatsOf(group)) {
			const pending = this.batches.next(chatJid, this.cursors.pendingAfter(chatJid), chatTrigger(group, chatJid), this.batchLimits(), (seq) => this.cursors.passThrough(chatJid, seq));
			if (!pending) continue;
			const lastSeq = pending.at(-1)!.seq;
			const plan = this.deps.planTurn?.(group, pending) ?? {};
			if ('reply' in plan) {
				// Behind a turn still in flight, the cursor waits for that turn (which may yet fail), and
				// the answer does not count for recovery, which would otherwise skip that turn.
				this.deps.deliver(chatJid, plan.reply, {throughSeq: lastSeq, provisional: this.cursors.hasInFlight(chatJid)});
				this.cursors.passThrough(chatJid, lastSeq);
				this.deps.onTurn({groupFolder: group.folder, chatJid, ok: true, throughSeq: lastSeq});
				continue;
			}
			const request: TurnRequest = {turnId: crypto.randomUUID(), chatJid, prompt: formatMessages(pending), throughSeq: lastSeq, ...plan};
			this.cursors.take(chatJid, lastSeq);
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
			this.cursors.conclude(request.chatJid, lastSeq);
			this.lastCrash.delete(group.folder);
		} else {
			this.cursors.drop(request.chatJid);
			const error = outcome.error ?? 'the agent failed';
			this.deps.logger.error({group: group.folder, chat: request.chatJid, err: error}, 'turn failed');
			// A crashed sandbox is retried by the queue (the chat hears if it gives up); a shutdown is
			// answered after the restart; anything else (timeout, kill, model error) is told now, and
			// that warning is the turn's answer: the messages are not run again, a new one asks again.
			if (crashed(run)) this.lastCrash.set(group.folder, {chatJid: request.chatJid, error, throughSeq: lastSeq});
			else if (run.stopReason !== 'shutdown') this.answerWithError(request.chatJid, error, lastSeq);
		}
		this.deps.onTurn({groupFolder: group.folder, chatJid: request.chatJid, ok: outcome.ok, error: outcome.error, throughSeq: lastSeq});
		this.closeIfOverQuota(group, run);
		return outcome.ok;
	}

	/**
	 * A warm run whose group went over its disk quota during a turn takes no more turns: the next
	 * message starts a run, which is refused with the reason (no runtime caps a bind mount as it runs).
	 */
	private closeIfOverQuota(group: RegisteredGroup, run: SandboxRun): void {
		const {remeasureFolder, diskQuotaProblem} = this.deps;
		if (!remeasureFolder || !diskQuotaProblem || run.state === 'ended') return;
		remeasureFolder(group);
		void diskQuotaProblem(group).then((problem) => {
			if (!problem || run.state === 'ended') return;
			this.deps.logger.warn({group: group.folder, run: run.record.id}, `run closed after its turn: ${problem}`);
			run.retire();
		}, (error: Error) => this.deps.logger.warn({group: group.folder, err: error.message}, 'disk quota check failed'));
	}

	private async submitTask(run: SandboxRun, work: TaskWork, first = false): Promise<TaskRunOutcome> {
		const {task} = work;
		work.started();
		const request: TurnRequest = {turnId: crypto.randomUUID(), chatJid: task.chatJid, prompt: formatScheduledPrompt(task.prompt, task.id), lane: 'task'};
		const outcome = await (first ? run.begin(request) : run.submit(request));
		const result = {ok: outcome.ok, result: outcome.outputs.join('\n'), error: outcome.error};
		work.resolve(result);
		const group = this.deps.groups.byFolder(task.groupFolder);
		if (group) this.closeIfOverQuota(group, run);
		return result;
	}

	/** A message turn answered with why it cannot run, without starting a sandbox. */
	private refuseTurn(group: RegisteredGroup, turn: {chatJid: string; throughSeq: number}, error: string): void {
		this.cursors.drop(turn.chatJid);
		this.answerWithError(turn.chatJid, error, turn.throughSeq);
		this.deps.onTurn({groupFolder: group.folder, chatJid: turn.chatJid, ok: false, error, throughSeq: turn.throughSeq});
	}

	private answerWithError(chatJid: string, error: string, throughSeq: number): void {
		this.deps.deliver(chatJid, `⚠️ ${error}`, {error: true, throughSeq});
		this.cursors.conclude(chatJid, throughSeq);
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

/** Whether a run takes more turns (not closing, nor retiring to give way to other work). */
function takesMore(run: SandboxRun): boolean {
	return run.acceptsTurns && !run.retiring;
}

function groupGone(folder: string): TaskRunOutcome {
	return {ok: false, groupGone: true, error: `group "${folder}" is not registered: the task is paused (register the group again, then resume it)`};
}

/** The sandbox died on its own (not stopped by the host): worth a retry. */
function crashed(run: SandboxRun): boolean {
	return run.state === 'ended' && run.record.endReason === 'error';
}

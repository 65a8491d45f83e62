import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {isoNow, systemClock, type HostClock} from '../clock.js';
import type {AgentToHost, HostToAgent, StartMessage, SubagentMessage, TurnInput} from '../../container/agent-runner/src/protocol.js';
import type {LlmRequestStats} from '../llm/llm-stats.js';
import type {Lane} from '../llm/queue-policy.js';
import type {Logger} from '../logger.js';
import type {LaunchCommand, SandboxLauncher, SandboxSpec} from '../runtimes/runtime.js';
import type {ContainerRun, RunEndReason} from '../api/types.js';
import {LineSplitter, maxAgentLineBytes, parseAgentLine} from './agent-lines.js';
import {serveHostRequest, type HostRequest, type MemoryServer, type WebServer} from './host-requests.js';
import {RunLlmRequests, type LlmServer} from './llm-requests.js';
import {RunOutput} from './run-output.js';

export type {LlmServer} from './llm-requests.js';

export interface TurnRequest extends TurnInput {
	chatJid: string;
	/** For a message turn: the store sequence of its last message (the host's bookkeeping, not sent). */
	throughSeq?: number;
	/** Where its model requests wait in the queue (default: chat). */
	lane?: Lane;
}

export interface TurnResult {
	ok: boolean;
	error?: string;
	outputs: string[];
}

export interface SandboxRunOptions {
	launcher: SandboxLauncher;
	spec: SandboxSpec;
	start: Omit<StartMessage, 'type' | 'turn' | 'paths'>;
	llm: LlmServer;
	web?: WebServer;
	memory?: MemoryServer;
	idleTimeoutMs: number;
	hardTimeoutMs: number;
	maxOutputBytes: number;
	/** Time allowed for a graceful close before the process is killed. */
	closeGraceMs?: number;
	logger: Logger;
	onOutput(turn: TurnRequest, text: string): void;
	onDelta?(turn: TurnRequest, text: string): void;
	onUpdate(run: ContainerRun): void;
	/** A model request of this run was answered. */
	onLlmStats?(stats: LlmRequestStats): void;
	/** A sub-agent of this run started, moved on or ended. */
	onSubagent?(): void;
	/** Where the run's recent output and stderr tail are kept for the details view. */
	output?: RunOutput;
	/** The host's clock: the run's timestamps and its idle, hard and close timers. */
	clock?: HostClock;
}

interface PendingTurn {
	request: TurnRequest;
	outputs: string[];
	outputBytes: number;
	cut: boolean;
	resolve(result: TurnResult): void;
}

/**
 * One sandbox's life: spawned with a first turn, kept warm for follow-up turns written to its
 * stdin, closed after the idle timeout, killed at the hard timeout or by the operator.
 */
export class SandboxRun {
	readonly record: ContainerRun;
	readonly ended: Promise<RunEndReason>;
	private child?: ChildProcessWithoutNullStreams;
	private readonly turns = new Map<string, PendingTurn>();
	private readonly llmAbort = new AbortController();
	private cancelIdle = noop;
	private cancelHard = noop;
	private cancelKill = noop;
	private endReason?: RunEndReason;
	private retireWhenIdle = false;
	private lastUpdateAt = 0;
	private resolveEnded!: (reason: RunEndReason) => void;
	private launch?: LaunchCommand;
	private readonly recent: RunOutput;
	private readonly clock: HostClock;
	private readonly llmRequests: RunLlmRequests;

	constructor(private readonly options: SandboxRunOptions) {
		this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
		this.recent = options.output ?? new RunOutput(options.spec.runId);
		this.clock = options.clock ?? systemClock;
		this.llmRequests = new RunLlmRequests({
			llm: options.llm,
			runSignal: this.llmAbort.signal,
			write: (message) => this.write(message),
			origin: (request) => ({
				group: options.spec.groupFolder,
				lane: request.subagent ? 'subagent' : (this.turns.values().next().value?.request.lane ?? 'chat'),
				agent: `${options.spec.runId}/${request.subagent ?? 'turn'}`,
			}),
			onThinking: (text) => this.recent.thinking(text),
			onStats: (stats) => {
				this.recent.llmStats(stats);
				this.options.onLlmStats?.(stats);
			},
		});
		this.record = {
			id: options.spec.runId,
			groupFolder: options.spec.groupFolder,
			runtime: options.launcher.name,
			containerName: options.spec.containerName,
			startedAt: isoNow(this.clock),
			lastOutputAt: null,
			endedAt: null,
			state: 'starting',
			endReason: null,
			error: null,
			argv: [],
			mounts: options.spec.mounts,
		};
	}

	get state(): ContainerRun['state'] {
		return this.record.state;
	}

	/** Whether a follow-up turn can still be written to this run. */
	get acceptsTurns(): boolean {
		return this.record.state !== 'closing' && this.record.state !== 'ended';
	}

	/** Closes once its turns are done: new work goes to the next run. */
	get retiring(): boolean {
		return this.retireWhenIdle;
	}

	/** Why the host is stopping or stopped this run (undefined while it runs on its own). */
	get stopReason(): RunEndReason | undefined {
		return this.endReason;
	}

	get busy(): boolean {
		return this.turns.size > 0;
	}

	/** Spawns the sandbox with its first turn. Throws (and ends the run) when the launch fails. */
	begin(first: TurnRequest): Promise<TurnResult> {
		const launch = this.options.launcher.buildLaunch(this.options.spec);
		this.launch = launch;
		this.record.argv = [launch.command, ...launch.args];
		const child = spawn(launch.command, launch.args, {env: launch.env, cwd: launch.cwd, uid: launch.uid, gid: launch.gid, stdio: ['pipe', 'pipe', 'pipe']});
		this.child = child;
		const result = this.trackTurn(first);
		child.on('error', (error) => this.finish('error', `could not start the ${this.options.launcher.name} sandbox: ${error.message}`));
		child.on('close', (code, signal) => this.onExit(code, signal));
		child.stdin.on('error', () => {});
		const splitter = new LineSplitter(maxAgentLineBytes, () =>
			this.options.logger.warn({run: this.record.id}, `agent wrote a line over ${maxAgentLineBytes} bytes: it was dropped`),
		);
		child.stdout.on('data', (chunk: Buffer) => {
			for (const line of splitter.push(chunk)) this.onLine(line);
		});
		child.stderr.on('data', (chunk: Buffer) => {
			this.recent.stderrChunk(chunk.toString('utf8'));
		});
		this.write({...this.options.start, type: 'start', paths: launch.paths, budget: this.options.llm.currentBudget?.(), turn: stripChat(first)});
		this.setState('running');
		return result;
	}

	/** Writes a follow-up turn to the warm sandbox. */
	submit(turn: TurnRequest): Promise<TurnResult> {
		if (!this.acceptsTurns) return Promise.resolve({ok: false, error: 'the sandbox is closing', outputs: []});
		this.cancelIdle();
		const result = this.trackTurn(turn);
		this.write({type: 'turn', ...stripChat(turn), budget: this.options.llm.currentBudget?.()});
		this.setState('running');
		return result;
	}

	/** Stops one sub-agent (the agent aborts its loop and its model request); false when none such is running. */
	killSubagent(id: string): boolean {
		if (!this.acceptsTurns || !this.recent.subagentRunning(id)) return false;
		this.write({type: 'kill_subagent', id});
		return true;
	}

	/** Closes the run as soon as it is idle (now, if it is): its next turn gets a fresh sandbox. */
	retire(): void {
		if (this.record.state === 'idle') this.close('idle');
		else this.retireWhenIdle = true;
	}

	/** Graceful close: the agent finishes, saves its session and exits; killed after a grace period. */
	close(reason: RunEndReason = 'idle'): void {
		if (!this.acceptsTurns) return;
		this.endReason ??= reason;
		this.cancelIdle();
		this.setState('closing');
		this.write({type: 'close'});
		this.child?.stdin.end();
		this.cancelKill = this.clock.setTimer(() => void this.kill(reason), this.options.closeGraceMs ?? 10_000);
	}

	/** Stops the sandbox now (operator kill, hard timeout, shutdown). */
	async kill(reason: RunEndReason): Promise<void> {
		if (this.record.state === 'ended') return;
		this.endReason ??= reason;
		this.setState('closing');
		// Turns end with the reason the run is stopped, not with the aborted model call's error.
		this.failTurns(stopError(this.endReason, this.options.hardTimeoutMs) ?? `the sandbox was stopped (${this.endReason})`);
		this.llmAbort.abort();
		if (this.options.launcher.sandboxed) {
			await this.options.launcher.stop(this.options.spec.containerName).catch((error: Error) =>
				this.options.logger.warn({run: this.record.id, err: error.message}, 'stopping the container failed'),
			);
		}
		this.child?.kill('SIGKILL');
		await this.ended;
	}

	private trackTurn(request: TurnRequest): Promise<TurnResult> {
		if (this.turns.size === 0) this.startTurnBudget();
		return new Promise((resolve) => this.turns.set(request.turnId, {request, outputs: [], outputBytes: 0, cut: false, resolve}));
	}

	/** CONTAINER_TIMEOUT counts from the start of the turn being worked on, never across idle time. */
	private startTurnBudget(): void {
		this.cancelHard();
		this.record.turnStartedAt = isoNow(this.clock);
		this.cancelHard = this.clock.setTimer(() => void this.kill('timeout'), this.options.hardTimeoutMs);
	}

	private write(message: HostToAgent): void {
		const stdin = this.child?.stdin;
		if (stdin && stdin.writable && !stdin.writableEnded) stdin.write(JSON.stringify(message) + '\n');
	}

	private onLine(line: string): void {
		this.record.lastOutputAt = isoNow(this.clock);
		const message = parseAgentLine(line);
		if (!message) {
			this.options.logger.info({run: this.record.id, line: line.slice(0, 500)}, 'agent wrote a line outside the protocol');
			this.recent.line(line);
			return this.maybeUpdate();
		}
		this.handle(message);
		this.maybeUpdate();
	}

	private handle(message: AgentToHost): void {
		const {logger} = this.options;
		switch (message.type) {
			case 'ready':
				return;
			case 'log':
				logger[message.level]({run: this.record.id, group: this.record.groupFolder, ...(message.subagent ? {subagent: String(message.subagent).slice(0, 40)} : {})}, `agent: ${message.msg}`);
				return;
			case 'llm_request':
				return this.llmRequests.serve(message);
			case 'llm_cancel':
				this.llmRequests.cancel(message.requestId);
				return;
			case 'subagent':
				return this.onSubagent(message);
			case 'web_request':
			case 'history_request':
			case 'memory_read_request':
				return this.serveHost(message);
			case 'tool_use':
				this.recent.line(`[${message.name}] ${message.summary}`);
				logger.info({run: this.record.id, group: this.record.groupFolder, tool: message.name}, message.summary.slice(0, 300));
				return;
			case 'delta': {
				const turn = this.turns.get(message.turnId);
				if (turn) this.options.onDelta?.(turn.request, message.text);
				this.recent.delta(message.text);
				return;
			}
			case 'output':
				return this.onOutput(message.turnId, message.text);
			case 'turn_done': {
				const turn = this.turns.get(message.turnId);
				if (!turn) return;
				this.turns.delete(message.turnId);
				turn.resolve({ok: message.ok, error: message.error, outputs: turn.outputs});
				// The agent takes turns one at a time: the next one waiting starts now.
				if (this.turns.size > 0) this.startTurnBudget();
				else {
					this.cancelHard();
					this.record.turnStartedAt = null;
				}
				if (this.turns.size === 0 && this.acceptsTurns) {
					this.setState('idle');
					if (this.retireWhenIdle) this.close('idle');
					else this.cancelIdle = this.clock.setTimer(() => this.close('idle'), this.options.idleTimeoutMs);
				}
				return;
			}
		}
	}

	private onSubagent(message: SubagentMessage): void {
		const {before, view} = this.recent.subagent(message);
		if (before !== view.state) {
			const fields = {run: this.record.id, group: this.record.groupFolder, subagent: view.name};
			if (view.state === 'running') this.options.logger.info(fields, `sub-agent ${view.name} started`);
			else this.options.logger[view.state === 'done' ? 'info' : 'warn'](fields, `sub-agent ${view.name} ${view.state}${view.error ? `: ${view.error}` : ''} (${view.rounds} rounds, ${view.tokens} tokens)`);
		}
		this.options.onSubagent?.();
	}

	private serveHost(message: HostRequest): void {
		const {web, memory} = this.options;
		serveHostRequest(message, {web, memory, groupFolder: this.record.groupFolder, chatJid: this.currentChatJid(), signal: this.llmAbort.signal, write: (reply) => this.write(reply)});
	}

	/** The chat of the turn in progress: the oldest one tracked. */
	private currentChatJid(): string {
		return this.turns.values().next().value?.request.chatJid ?? this.options.start.group.chatJid;
	}

	private onOutput(turnId: string, text: string): void {
		const turn = this.turns.get(turnId);
		if (!turn || turn.cut) return;
		const bytes = Buffer.byteLength(text);
		if (turn.outputBytes + bytes > this.options.maxOutputBytes) {
			const room = Math.max(0, this.options.maxOutputBytes - turn.outputBytes);
			text = Buffer.from(text).subarray(0, room).toString('utf8') + `\n[output cut at ${this.options.maxOutputBytes} bytes]`;
			turn.cut = true;
		}
		turn.outputBytes += bytes;
		turn.outputs.push(text);
		this.recent.output(text);
		this.options.onOutput(turn.request, text);
	}

	private onExit(code: number | null, signal: NodeJS.Signals | null): void {
		const reason = this.endReason ?? (code === 0 ? 'exit' : 'error');
		const detail = this.recent.stderrText().trim().split('\n').slice(-3).join(' | ');
		const error =
			stopError(reason, this.options.hardTimeoutMs) ??
			(code === 0 || reason === 'idle' ? undefined : `the ${this.options.launcher.name} sandbox exited with ${signal ?? `code ${code}`}${detail ? `: ${detail}` : ''}`);
		this.finish(reason, error);
	}

	/** Ends every turn in progress with `error` (later answers of those turns are dropped). */
	private failTurns(error: string): void {
		for (const turn of this.turns.values()) turn.resolve({ok: false, error, outputs: turn.outputs});
		this.turns.clear();
	}

	private finish(reason: RunEndReason, error?: string): void {
		if (this.record.state === 'ended') return;
		this.cancelIdle();
		this.cancelHard();
		this.cancelKill();
		this.llmAbort.abort();
		this.record.endReason = this.endReason ?? reason;
		this.record.error = error ?? null;
		this.record.endedAt = isoNow(this.clock);
		this.failTurns(error ?? 'the sandbox ended before the answer was complete');
		this.recent.ended();
		this.setState('ended');
		if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
		this.resolveEnded(this.record.endReason);
	}

	private setState(state: ContainerRun['state']): void {
		if (this.record.state === 'ended') return;
		this.record.state = state;
		this.lastUpdateAt = this.clock.now();
		this.options.onUpdate({...this.record});
	}

	/** Last-output updates at most once a second: the UI needs the age, not every line. */
	private maybeUpdate(): void {
		if (this.clock.now() - this.lastUpdateAt < 1000) return;
		this.lastUpdateAt = this.clock.now();
		this.options.onUpdate({...this.record});
	}
}

/** The error of a run stopped by the host, or undefined for a quiet end. */
function stopError(reason: RunEndReason, hardTimeoutMs: number): string | undefined {
	if (reason === 'timeout') return `the run hit CONTAINER_TIMEOUT (${hardTimeoutMs} ms) and was killed`;
	if (reason === 'killed') return 'the run was killed by the operator';
	return undefined;
}

function noop(): void {}

function stripChat(turn: TurnRequest): TurnInput {
	const {chatJid: _chatJid, throughSeq: _throughSeq, lane: _lane, ...input} = turn;
	return input;
}

// One run's model requests: each served through the host's queue with who asks (a chat turn, a
// task, a sub-agent), each stoppable on its own (the agent cancels a stopped sub-agent's request),
// all stopped with the run.
import type {ContextBudget, HostToAgent, LlmRequestMessage} from '../../container/agent-runner/src/protocol.js';
import type {LlmRequestStats} from '../llm/llm-stats.js';
import type {RequestOrigin} from '../llm/queue-policy.js';

export interface LlmServer {
	/** Streams the answer; resolves with what it cost. An error with a `budget` tells the agent to fit the request again. */
	serve(request: LlmRequestMessage, send: (chunk: HostToAgent) => void, signal?: AbortSignal, hooks?: {onThinking?(text: string): void; origin?: RequestOrigin}): Promise<LlmRequestStats | void>;
	/** The model's context budget for a new turn, once known. */
	currentBudget?(): ContextBudget | undefined;
	/** Learns the model's context (before a run starts, so its first turn gets the budget). */
	prepare?(): Promise<unknown>;
}

export interface RunLlmRequestsOptions {
	llm: LlmServer;
	/** Aborted when the run stops. */
	runSignal: AbortSignal;
	write(message: HostToAgent): void;
	origin(request: LlmRequestMessage): RequestOrigin;
	onThinking(text: string): void;
	onStats(stats: LlmRequestStats): void;
}

export class RunLlmRequests {
	private readonly live = new Map<string, AbortController>();

	constructor(private readonly options: RunLlmRequestsOptions) {}

	serve(request: LlmRequestMessage): void {
		const {llm, write} = this.options;
		const cancel = new AbortController();
		this.live.set(request.requestId, cancel);
		const signal = AbortSignal.any([this.options.runSignal, cancel.signal]);
		// A cancelled request gets nothing more: the agent has stopped waiting for it.
		const send = (message: HostToAgent) => !cancel.signal.aborted && write(message);
		llm
			.serve(request, send, signal, {onThinking: this.options.onThinking, origin: this.options.origin(request)})
			.then((stats) => stats && this.options.onStats(stats))
			.catch((error: Error & {budget?: ContextBudget}) => send({type: 'llm_error', requestId: request.requestId, error: error.message, ...(error.budget ? {budget: error.budget} : {})}))
			.finally(() => this.live.delete(request.requestId));
	}

	/** The agent no longer wants this answer: it leaves the queue, or its stream is ended. */
	cancel(requestId: string): boolean {
		const cancel = this.live.get(requestId);
		cancel?.abort('the agent cancelled the request');
		return cancel !== undefined;
	}
}

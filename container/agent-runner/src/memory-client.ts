// The agent's side of search_history and read_memory: the host holds the store and the other
// groups' folders, so both are requests on stdout answered on stdin.
import {HostCalls} from './host-calls.js';
import type {MessageWriter} from './json-lines.js';
import type {HistoryResponseMessage, HistoryResult, MemoryReadResponseMessage, MemoryReadResult} from './protocol.js';

/** How long a search or a memory read waits for the host (both are local reads there). */
export const memoryAnswerTimeoutMs = 30_000;

export interface HistoryQuery {
	query: string;
	chatJid?: string;
	since?: string;
	limit?: number;
	maxChars: number;
}

const hasStatus = (result: unknown): boolean => !!result && typeof result === 'object' && typeof (result as {status?: unknown}).status === 'string';

export class MemoryClient {
	private readonly history: HostCalls<HistoryResult>;
	private readonly memory: HostCalls<MemoryReadResult>;

	constructor(writer: MessageWriter, runId: string, timeoutMs = memoryAnswerTimeoutMs) {
		const failed = (reason: string) => ({status: 'failed' as const, reason});
		this.history = new HostCalls<HistoryResult>({writer, idPrefix: `${runId}-history`, timeoutMs, failed});
		this.memory = new HostCalls<MemoryReadResult>({writer, idPrefix: `${runId}-memory`, timeoutMs, failed});
	}

	searchHistory(query: HistoryQuery): Promise<HistoryResult> {
		return this.history.call((requestId) => ({type: 'history_request', requestId, ...query}));
	}

	readMemory(folder: string, maxChars: number): Promise<MemoryReadResult> {
		return this.memory.call((requestId) => ({type: 'memory_read_request', requestId, folder, maxChars}));
	}

	/** Routes the host's answer; false when no request waits for it. */
	handle(message: HistoryResponseMessage | MemoryReadResponseMessage): boolean {
		const fallback = {status: 'failed' as const, reason: 'the host sent an answer without a result'};
		if (message.type === 'history_response') return this.history.settle(message.requestId, hasStatus(message.result) ? message.result : fallback);
		return this.memory.settle(message.requestId, hasStatus(message.result) ? message.result : fallback);
	}

	closeAll(reason: string): void {
		this.history.closeAll(reason);
		this.memory.closeAll(reason);
	}
}

// The agent's requests that the host serves besides the model: web_fetch (the sandbox has no
// network), search_history and read_memory (the sandbox has no store and sees no other group).
// The run's group is the caller, whatever a request says; the chat is the turn's in progress.
import type {
	HistoryRequestMessage,
	HistoryResult,
	HostToAgent,
	MemoryReadRequestMessage,
	MemoryReadResult,
	WebFetchResult,
	WebRequestMessage,
} from '../../container/agent-runner/src/protocol.js';

/** Serves the agent's web_fetch on the host. */
export interface WebServer {
	serve(request: WebRequestMessage, context: {groupFolder: string; chatJid: string}, signal?: AbortSignal): Promise<WebFetchResult>;
}

/** Serves search_history and read_memory on the host. */
export interface MemoryServer {
	searchHistory(request: HistoryRequestMessage, context: {groupFolder: string; chatJid: string}): HistoryResult | Promise<HistoryResult>;
	readMemory(request: MemoryReadRequestMessage, context: {groupFolder: string}): MemoryReadResult | Promise<MemoryReadResult>;
}

export type HostRequest = WebRequestMessage | HistoryRequestMessage | MemoryReadRequestMessage;

export interface HostRequestContext {
	web?: WebServer;
	memory?: MemoryServer;
	groupFolder: string;
	chatJid: string;
	/** Aborted when the run stops. */
	signal: AbortSignal;
	write(message: HostToAgent): void;
}

/** Answers one request; a missing server is a refusal, a thrown error a failure (the run carries on). */
export function serveHostRequest(message: HostRequest, {web, memory, groupFolder, chatJid, signal, write}: HostRequestContext): void {
	const failed = (error: Error) => ({status: 'failed' as const, reason: error.message});
	switch (message.type) {
		case 'web_request': {
			const answer = (result: WebFetchResult) => write({type: 'web_response', requestId: message.requestId, result});
			if (!web) return answer({status: 'refused', reason: 'web_fetch is not served by this host'});
			web.serve(message, {groupFolder, chatJid}, signal).then(answer, (error: Error) => answer(failed(error)));
			return;
		}
		case 'history_request': {
			const answer = (result: HistoryResult) => write({type: 'history_response', requestId: message.requestId, result});
			if (!memory) return answer({status: 'refused', reason: 'search_history is not served by this host'});
			Promise.resolve()
				.then(() => memory.searchHistory(message, {groupFolder, chatJid}))
				.then(answer, (error: Error) => answer(failed(error)));
			return;
		}
		case 'memory_read_request': {
			const answer = (result: MemoryReadResult) => write({type: 'memory_read_response', requestId: message.requestId, result});
			if (!memory) return answer({status: 'refused', reason: 'read_memory is not served by this host'});
			Promise.resolve()
				.then(() => memory.readMemory(message, {groupFolder}))
				.then(answer, (error: Error) => answer(failed(error)));
		}
	}
}

import {HostCalls} from './host-calls.js';
import type {MessageWriter} from './json-lines.js';
import type {WebFetchResult, WebResponseMessage} from './protocol.js';

/** How long a web_fetch waits for the host's answer (the host bounds its own fetch well below this). */
export const webAnswerTimeoutMs = 90_000;

/** The agent's side of web_fetch: requests go out on stdout, the host's answer comes back on stdin. */
export class WebClient {
	private readonly calls: HostCalls<WebFetchResult>;

	constructor(writer: MessageWriter, runId: string, timeoutMs = webAnswerTimeoutMs) {
		this.calls = new HostCalls<WebFetchResult>({writer, idPrefix: `${runId}-web`, timeoutMs, failed: (reason) => ({status: 'failed', reason})});
	}

	fetch(url: string, maxBytes: number): Promise<WebFetchResult> {
		return this.calls.call((requestId) => ({type: 'web_request', requestId, url, maxBytes}));
	}

	/** Routes the host's answer; false when no request waits for it. */
	handle(message: WebResponseMessage): boolean {
		const result = message.result;
		if (!result || typeof result !== 'object' || typeof result.status !== 'string') {
			return this.calls.settle(message.requestId, {status: 'failed', reason: 'the host sent an answer without a result'});
		}
		return this.calls.settle(message.requestId, result);
	}

	/** Fails every waiting request and any later one (the host went away). */
	closeAll(reason: string): void {
		this.calls.closeAll(reason);
	}
}

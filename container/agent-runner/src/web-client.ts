import type {MessageWriter} from './json-lines.js';
import type {WebFetchResult, WebResponseMessage} from './protocol.js';

/** How long a web_fetch waits for the host's answer (the host bounds its own fetch well below this). */
export const webAnswerTimeoutMs = 90_000;

/** The agent's side of web_fetch: requests go out on stdout, the host's answer comes back on stdin. */
export class WebClient {
	private readonly pending = new Map<string, (result: WebFetchResult) => void>();
	private sequence = 0;
	private closedReason: string | undefined;

	constructor(
		private readonly writer: MessageWriter,
		private readonly runId: string,
		private readonly timeoutMs = webAnswerTimeoutMs,
	) {}

	fetch(url: string, maxBytes: number): Promise<WebFetchResult> {
		if (this.closedReason) return Promise.resolve({status: 'failed', reason: this.closedReason});
		const requestId = `${this.runId}-web-${++this.sequence}`;
		return new Promise((resolve) => {
			const timer = setTimeout(() => this.settle(requestId, {status: 'failed', reason: `the host did not answer within ${this.timeoutMs} ms`}), this.timeoutMs);
			this.pending.set(requestId, (result) => {
				clearTimeout(timer);
				resolve(result);
			});
			this.writer.send({type: 'web_request', requestId, url, maxBytes});
		});
	}

	/** Routes the host's answer; false when no request waits for it. */
	handle(message: WebResponseMessage): boolean {
		const result = message.result;
		if (!result || typeof result !== 'object' || typeof result.status !== 'string') {
			return this.settle(message.requestId, {status: 'failed', reason: 'the host sent an answer without a result'});
		}
		return this.settle(message.requestId, result);
	}

	/** Fails every waiting request and any later one (the host went away). */
	closeAll(reason: string): void {
		this.closedReason = reason;
		for (const id of [...this.pending.keys()]) this.settle(id, {status: 'failed', reason});
	}

	private settle(requestId: string, result: WebFetchResult): boolean {
		const resolve = this.pending.get(requestId);
		if (!resolve) return false;
		this.pending.delete(requestId);
		resolve(result);
		return true;
	}
}

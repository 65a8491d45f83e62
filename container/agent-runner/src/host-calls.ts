// Requests the host answers on stdin (a web page, a history search, another group's memory): each
// waits for its answer, a timeout, or the host going away, and always settles with a result.
import type {MessageWriter} from './json-lines.js';
import type {AgentToHost} from './protocol.js';

export interface HostCallsOptions<Result> {
	writer: MessageWriter;
	/** Request ids are `<prefix>-<n>`. */
	idPrefix: string;
	timeoutMs: number;
	/** The result a call settles with when it cannot be answered. */
	failed(reason: string): Result;
}

export class HostCalls<Result> {
	private readonly pending = new Map<string, (result: Result) => void>();
	private sequence = 0;
	private closedReason: string | undefined;

	constructor(private readonly options: HostCallsOptions<Result>) {}

	/** Sends the request `build` makes for a new id and resolves with the host's answer. */
	call(build: (requestId: string) => AgentToHost): Promise<Result> {
		const {failed, timeoutMs, writer} = this.options;
		if (this.closedReason) return Promise.resolve(failed(this.closedReason));
		const requestId = `${this.options.idPrefix}-${++this.sequence}`;
		return new Promise((resolve) => {
			const timer = setTimeout(() => this.settle(requestId, failed(`the host did not answer within ${timeoutMs} ms`)), timeoutMs);
			this.pending.set(requestId, (result) => {
				clearTimeout(timer);
				resolve(result);
			});
			writer.send(build(requestId));
		});
	}

	/** Settles a waiting request; false when none waits under that id. */
	settle(requestId: string, result: Result): boolean {
		const resolve = this.pending.get(requestId);
		if (!resolve) return false;
		this.pending.delete(requestId);
		resolve(result);
		return true;
	}

	/** Fails every waiting request and any later one (the host went away). */
	closeAll(reason: string): void {
		this.closedReason = reason;
		for (const id of [...this.pending.keys()]) this.settle(id, this.options.failed(reason));
	}
}

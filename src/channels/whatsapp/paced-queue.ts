// Runs tasks one at a time, in call order, with a least gap (plus jitter) between them.
import type {Clock} from './clock.js';

export interface PacedQueueOptions {
	clock: Clock;
	random: () => number;
	intervalMs: number;
	jitterMs: number;
}

export class PacedQueue {
	private chain: Promise<void> = Promise.resolve();
	private nextAt = 0;

	constructor(private readonly options: PacedQueueOptions) {}

	run<T>(task: () => Promise<T>): Promise<T> {
		const result = this.chain.then(async () => {
			const wait = this.nextAt - this.options.clock.now();
			if (wait > 0) await new Promise<void>((resolve) => this.options.clock.setTimeout(resolve, wait));
			try {
				return await task();
			} finally {
				const {clock, random, intervalMs, jitterMs} = this.options;
				this.nextAt = clock.now() + intervalMs + Math.floor(random() * jitterMs);
			}
		});
		this.chain = result.then(
			() => undefined,
			() => undefined,
		);
		return result;
	}
}

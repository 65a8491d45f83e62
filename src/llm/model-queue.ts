// The host's queue in front of Ollama: at most `parallel` requests at once (Ollama's own
// OLLAMA_NUM_PARALLEL), started in the order of queue-policy.ts. Event-driven: a request arriving,
// a request ending and the end of a short linger are the only things that start requests.
import {mayLinger, pickNext, rankOf, type RequestOrigin, type Waiting} from './queue-policy.js';

export interface ModelQueueOptions {
	parallel: number;
	/**
	 * How long the model is kept free for the follow-up of a request whose answer called tools (its
	 * prompt is still in Ollama's cache). Waiting costs at most this; re-evaluating an agent's prompt
	 * after another agent's request costs seconds on a small machine.
	 */
	lingerMs?: number;
	setTimer?(fn: () => void, ms: number): () => void;
}

/** What the queue holds now, for the status bar and tests. */
export interface ModelQueueView {
	parallel: number;
	running: number;
	waiting: Array<Pick<RequestOrigin, 'group' | 'lane'>>;
}

/** Ends a started request; `calledTools`: its answer called tools, so the same agent will ask again soon. */
export type ReleaseSlot = (outcome?: {calledTools?: boolean}) => void;

interface Entry extends Waiting {
	start(release: ReleaseSlot): void;
}

export const defaultLingerMs = 1500;

export class ModelQueue {
	private readonly waiting: Entry[] = [];
	private running = 0;
	private sequence = 0;
	private served = 0;
	private readonly servedAt = new Map<string, number>();
	private lastAgent: string | undefined;
	private linger: {agent: string; cancel: () => void} | undefined;
	private readonly setTimer: NonNullable<ModelQueueOptions['setTimer']>;

	constructor(private readonly options: ModelQueueOptions) {
		this.setTimer =
			options.setTimer ??
			((fn, ms) => {
				const timer = setTimeout(fn, ms);
				return () => clearTimeout(timer);
			});
	}

	view(): ModelQueueView {
		return {parallel: this.options.parallel, running: this.running, waiting: this.waiting.map(({origin}) => ({group: origin.group, lane: origin.lane}))};
	}

	/** Resolves when the request may go to Ollama; rejects with the signal's reason if it is aborted first. */
	enter(origin: RequestOrigin, signal?: AbortSignal): Promise<ReleaseSlot> {
		return new Promise((resolve, reject) => {
			const stopped = () => new Error(typeof signal?.reason === 'string' ? signal.reason : 'the request was stopped');
			if (signal?.aborted) return reject(stopped());
			const onAbort = () => {
				const index = this.waiting.indexOf(entry);
				if (index < 0) return;
				this.waiting.splice(index, 1);
				reject(stopped());
			};
			const entry: Entry = {
				seq: ++this.sequence,
				origin,
				start: (release) => {
					signal?.removeEventListener('abort', onAbort);
					resolve(release);
				},
			};
			signal?.addEventListener('abort', onAbort, {once: true});
			this.waiting.push(entry);
			// A request arriving ends a linger: it is the follow-up waited for, or the agent is not coming back soon.
			this.endLinger();
			this.pump();
		});
	}

	private pump(): void {
		while (this.running + (this.linger ? 1 : 0) < this.options.parallel && this.waiting.length > 0) {
			const [entry] = this.waiting.splice(pickNext(this.waiting, {lastAgent: this.lastAgent, servedAt: this.servedAt}), 1);
			for (const other of this.waiting) if (rankOf(other) > rankOf(entry)) other.passedOver = (other.passedOver ?? 0) + 1;
			this.running++;
			this.servedAt.set(entry.origin.group, ++this.served);
			this.lastAgent = entry.origin.agent;
			let released = false;
			entry.start((outcome = {}) => {
				if (released) return;
				released = true;
				this.running--;
				const lingerMs = this.options.lingerMs ?? defaultLingerMs;
				if (lingerMs > 0 && !this.linger && mayLinger(this.waiting, {origin: entry.origin, calledTools: !!outcome.calledTools})) {
					const agent = entry.origin.agent;
					this.linger = {agent, cancel: this.setTimer(() => this.linger?.agent === agent && (this.endLinger(), this.pump()), lingerMs)};
				}
				this.pump();
			});
		}
	}

	private endLinger(): void {
		this.linger?.cancel();
		this.linger = undefined;
	}
}

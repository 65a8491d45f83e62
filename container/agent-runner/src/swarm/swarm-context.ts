// What the delegate tool works with, and the sub-agents running now (so the host can stop one).
import type {MessageWriter} from '../json-lines.js';
import type {LlmBridge} from '../llm-bridge.js';
import type {ContextBudget, SwarmSettings} from '../protocol.js';
import type {Tool} from '../tools/tool.js';

export interface SwarmContext {
	settings: SwarmSettings;
	bridge: LlmBridge;
	writer: MessageWriter;
	/** The caller's tools: a sub-agent gets the ones its task names, never `delegate`. */
	tools: Map<string, Tool>;
	/** The caller's context budget now: every sub-agent request fits the same one. */
	budget(): ContextBudget;
	registry: SubagentRegistry;
}

export type StopCause = 'killed' | 'timed out';

interface Running {
	controller: AbortController;
	cause?: StopCause;
}

/** The sub-agents of this run that have not ended, by id. */
export class SubagentRegistry {
	private readonly running = new Map<string, Running>();
	private sequence = 0;

	/** A new sub-agent's id (unique in the run) and the signal that stops it. */
	add(): {id: string; signal: AbortSignal} {
		const id = `sa${++this.sequence}`;
		const controller = new AbortController();
		this.running.set(id, {controller});
		return {id, signal: controller.signal};
	}

	/** Stops a running sub-agent; false when there is none with that id. */
	stop(id: string, cause: StopCause, reason: string): boolean {
		const entry = this.running.get(id);
		if (!entry || entry.controller.signal.aborted) return false;
		entry.cause = cause;
		entry.controller.abort(reason);
		return true;
	}

	/** Why the sub-agent was stopped (undefined when it ended on its own). */
	causeOf(id: string): StopCause | undefined {
		return this.running.get(id)?.cause;
	}

	remove(id: string): void {
		this.running.delete(id);
	}
}

import type {IpcClient} from '../ipc-client.js';
import type {MemoryClient} from '../memory-client.js';
import type {StartMessage} from '../protocol.js';
import type {SwarmContext} from '../swarm/swarm-context.js';
import type {ParamSpecs} from '../tool-args.js';
import type {WebClient} from '../web-client.js';
import type {Workspace} from '../workspace.js';

export interface ToolContext {
	start: StartMessage;
	workspace: Workspace;
	ipc: IpcClient;
	web: WebClient;
	memory: MemoryClient;
	/** What the delegate tool needs; absent inside a sub-agent (one level deep). */
	swarm?: SwarmContext;
	/** The characters this call's result may take in the model's context (set by the loop per call). */
	resultChars?: number;
	/** Aborts when the loop making the call is stopped (a sub-agent killed or timed out): long work stops too. */
	signal?: AbortSignal;
}

/** The characters a call's result may take: the loop's share of the model's context, never past the tool output limit. */
export function resultBudget(context: ToolContext): number {
	const limit = context.start.limits.toolOutputChars;
	return Math.min(limit, context.resultChars ?? limit);
}

/** A model-facing tool. `run` returns the text the model sees; a thrown error is shown as `error: …`. */
export interface Tool {
	name: string;
	description: string;
	params: ParamSpecs;
	/** Offered to the main group only. */
	mainOnly?: boolean;
	run(args: Record<string, unknown>, context: ToolContext): Promise<string>;
}

/** A tool's failure the model can act on (shown without a stack). */
export class ToolFailure extends Error {}

// The order in which model requests reach Ollama (pure; the queue in model-queue.ts applies it).
// 1. A chat turn's requests go before scheduled tasks' and sub-agents' (the person is waiting); a
//    background request passed over `agingPasses` times ranks as a chat turn's, so a steady stream
//    of chat cannot hold it back for good.
// 2. Within that class, groups take turns: the group served longest ago goes first.
// 3. Within a group, the agent served last goes again when it has a request waiting: Ollama keeps
//    one prompt cache per model, holding the last request, so that agent's follow-up is evaluated
//    only from where its previous request ended; anyone else's is evaluated almost from scratch.
//    Otherwise the oldest request goes.

export type Lane = 'chat' | 'task' | 'subagent';

/** Who asks: the group, why (a chat turn, a scheduled task, a sub-agent) and which agent. */
export interface RequestOrigin {
	group: string;
	lane: Lane;
	/** One agent's requests (a run's own turn, or one sub-agent of it): each continues the one before. */
	agent: string;
}

export interface Waiting {
	/** Arrival order. */
	seq: number;
	origin: RequestOrigin;
	/** How many requests of a higher class started while this one waited. */
	passedOver?: number;
}

export interface QueueHistory {
	/** The agent of the request started last: the prompt the model's cache holds. */
	lastAgent?: string;
	/** When each group was last served (a counter: higher is later). */
	servedAt: ReadonlyMap<string, number>;
}

/** Lower goes first. */
export const laneRank: Record<Lane, number> = {chat: 0, task: 1, subagent: 1};

/** Passed over this often, a background request ranks as a chat turn's (a chat turn takes a few requests). */
export const agingPasses = 20;

/** The class a waiting request is served in now. */
export function rankOf(entry: Waiting): number {
	return (entry.passedOver ?? 0) >= agingPasses ? laneRank.chat : laneRank[entry.origin.lane];
}

/** The index in `waiting` of the request to start next (-1 when none waits). */
export function pickNext(waiting: readonly Waiting[], history: QueueHistory): number {
	if (waiting.length === 0) return -1;
	const rank = Math.min(...waiting.map(rankOf));
	const candidates = waiting.filter((entry) => rankOf(entry) === rank);
	const lastServed = (group: string) => history.servedAt.get(group) ?? -1;
	const oldest = (entries: Waiting[]) => entries.reduce((a, b) => (b.seq < a.seq ? b : a));
	const group = candidates.reduce((a, b) => {
		const order = lastServed(a.origin.group) - lastServed(b.origin.group);
		return order < 0 || (order === 0 && a.seq < b.seq) ? a : b;
	}).origin.group;
	const inGroup = candidates.filter((entry) => entry.origin.group === group);
	const again = inGroup.filter((entry) => entry.origin.agent === history.lastAgent);
	return waiting.indexOf(oldest(again.length ? again : inGroup));
}

/**
 * Whether to keep the model free for a moment for the follow-up of the request that just ended: its
 * answer called tools (a follow-up comes once they ran), and everything waiting would be served
 * after that follow-up anyway (a lower class, or its own group's other agents).
 */
export function mayLinger(waiting: readonly Waiting[], ended: {origin: RequestOrigin; calledTools: boolean}): boolean {
	if (!ended.calledTools) return false;
	const rank = laneRank[ended.origin.lane];
	return waiting.every((entry) => rankOf(entry) > rank || (rankOf(entry) === rank && entry.origin.group === ended.origin.group));
}

// The host's record of a run's sub-agents (from the agent's `subagent` messages): what the
// Containers pane shows of each and its transcript, bounded whatever the agent sends.
import type {SubagentMessage, SubagentState, SwarmSettings} from '../../container/agent-runner/src/protocol.js';
import type {Config} from '../config.js';

/** The delegate tool's limits for new runs, or undefined when sub-agents are off. */
export function swarmSettings(config: Config): SwarmSettings | undefined {
	if (!config.enableAgentSwarms) return undefined;
	return {maxAgents: config.agentSwarmMax, maxRounds: config.agentSwarmMaxRounds, tokenBudget: config.agentSwarmTokenBudget};
}

/** One sub-agent of a run, as the UI shows it. */
export interface SubagentView {
	runId: string;
	id: string;
	name: string;
	state: SubagentState;
	rounds: number;
	tokens: number;
	lastOutput: string;
	error?: string;
	startedAt: string;
	updatedAt: string;
}

export const subagentStates: readonly SubagentState[] = ['running', 'done', 'failed', 'timed out', 'killed'];

const keptPerRun = 20;
const keptLines = 200;
const lineChars = 300;
const linesPerMessage = 50;

const oneLine = (text: unknown, max: number) => {
	const flat = String(text ?? '').replace(/\s+/g, ' ').trim();
	return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};
const count = (value: unknown) => (Number.isFinite(value) && (value as number) >= 0 ? Math.floor(value as number) : 0);

/** The sub-agents of one run: the newest `keptPerRun`, each with its last `keptLines` transcript lines. */
export class RunSubagents {
	private readonly agents = new Map<string, {view: SubagentView; lines: string[]}>();

	constructor(private readonly runId: string) {}

	/** Applies an update; returns the sub-agent's state before it (undefined for a new one). */
	update(message: SubagentMessage, at: string): {before?: SubagentState; view: SubagentView} {
		const id = oneLine(message.id, 40);
		const known = this.agents.get(id);
		const before = known?.view.state;
		const view: SubagentView = {
			runId: this.runId,
			id,
			name: oneLine(message.name, 40) || id,
			state: subagentStates.includes(message.state) ? message.state : 'running',
			rounds: count(message.rounds),
			tokens: count(message.tokens),
			lastOutput: oneLine(message.lastOutput ?? known?.view.lastOutput, 200),
			...(message.error ? {error: oneLine(message.error, 500)} : {}),
			startedAt: known?.view.startedAt ?? at,
			updatedAt: at,
		};
		const lines = [...(known?.lines ?? []), ...(Array.isArray(message.lines) ? message.lines.slice(0, linesPerMessage).map((line) => oneLine(line, lineChars)) : [])].slice(-keptLines);
		this.agents.delete(id);
		this.agents.set(id, {view, lines});
		for (const [oldId, old] of this.agents) {
			if (this.agents.size <= keptPerRun) break;
			if (old.view.state !== 'running') this.agents.delete(oldId);
		}
		return {before, view};
	}

	isRunning(id: string): boolean {
		return this.agents.get(id)?.view.state === 'running';
	}

	/** In the order they started. */
	views(): SubagentView[] {
		return [...this.agents.values()].map(({view}) => view).sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id, undefined, {numeric: true}));
	}

	transcripts(): Record<string, string[]> {
		return Object.fromEntries([...this.agents].map(([id, {lines}]) => [id, [...lines]]));
	}

	/** The run ended: a sub-agent still shown as running ended with it. */
	endAll(at: string): void {
		for (const agent of this.agents.values()) {
			if (agent.view.state === 'running') agent.view = {...agent.view, state: 'killed', error: 'the run ended', updatedAt: at};
		}
	}
}

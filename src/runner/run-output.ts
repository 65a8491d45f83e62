// What the details view shows of a run: its recent agent output and the sandbox's stderr tail,
// bounded per run and kept for the last runs only.

import type {SubagentMessage} from '../../container/agent-runner/src/protocol.js';
import type {RunOutputView} from '../api/host-api.js';
import {addToSummary, emptySummary, type LlmRequestStats, type RunLlmSummary} from '../llm/llm-stats.js';
import {RunSubagents, type SubagentView} from './subagents.js';

const maxLines = 60;
const maxLineChars = 300;
const maxStderrChars = 4000;
const maxThinkingChars = 4000;

/** One run's recent output lines (each cut), the answer streaming now, and its stderr tail. */
export class RunOutput {
	private lines: string[] = [];
	private partial = '';
	private stderr = '';
	private thought = '';
	private llm: RunLlmSummary | undefined;
	private swarm: RunSubagents | undefined;

	constructor(private readonly runId = '') {}

	line(text: string): void {
		for (const line of text.split('\n')) this.lines.push(line.length > maxLineChars ? `${line.slice(0, maxLineChars - 1)}…` : line);
		if (this.lines.length > maxLines) this.lines.splice(0, this.lines.length - maxLines);
	}

	delta(text: string): void {
		this.partial = (this.partial + text).slice(-2000);
	}

	output(text: string): void {
		this.partial = '';
		this.line(text);
	}

	stderrChunk(text: string): void {
		this.stderr = (this.stderr + text).slice(-maxStderrChars);
	}

	stderrText(): string {
		return this.stderr;
	}

	/** The model's thinking (its tail is kept for the details view only). */
	thinking(text: string): void {
		this.thought = (this.thought + text).slice(-maxThinkingChars);
	}

	llmStats(stats: LlmRequestStats): void {
		this.llm = addToSummary(this.llm ?? emptySummary(), stats);
	}

	llmSummary(): RunLlmSummary | undefined {
		return this.llm;
	}

	subagent(message: SubagentMessage): ReturnType<RunSubagents['update']> {
		this.swarm ??= new RunSubagents(this.runId);
		return this.swarm.update(message, new Date().toISOString());
	}

	subagentRunning(id: string): boolean {
		return this.swarm?.isRunning(id) ?? false;
	}

	subagents(): SubagentView[] {
		return this.swarm?.views() ?? [];
	}

	/** The run ended: its sub-agents with it. */
	ended(): void {
		this.swarm?.endAll(new Date().toISOString());
	}

	view(): RunOutputView {
		const output = this.partial ? [...this.lines, ...`${this.partial}…`.split('\n')].slice(-maxLines) : [...this.lines];
		const thinking = this.thought ? this.thought.split('\n').filter((line) => line.trim() !== '').slice(-30) : undefined;
		return {
			output,
			stderr: this.stderr.split('\n').filter((line) => line.trim() !== '').slice(-20),
			...(this.llm ? {llm: this.llm} : {}),
			...(thinking ? {thinking} : {}),
			...(this.swarm ? {subagents: this.swarm.transcripts()} : {}),
		};
	}
}

/** The outputs of the last `maxRuns` runs, oldest forgotten first. */
export class RunOutputs {
	private readonly runs = new Map<string, RunOutput>();

	constructor(private readonly maxRuns = 50) {}

	create(runId: string): RunOutput {
		const output = new RunOutput(runId);
		this.runs.set(runId, output);
		for (const oldest of this.runs.keys()) {
			if (this.runs.size <= this.maxRuns) break;
			this.runs.delete(oldest);
		}
		return output;
	}

	get(runId: string): RunOutputView | undefined {
		return this.runs.get(runId)?.view();
	}

	/** The sub-agents of the runs kept here, newest run last. */
	subagents(): SubagentView[] {
		return [...this.runs.values()].flatMap((output) => output.subagents());
	}
}

// What the details view shows of a run: its recent agent output and the sandbox's stderr tail,
// bounded per run and kept for the last runs only.

import type {RunOutputView} from '../host/host-api.js';
import {addToSummary, emptySummary, type LlmRequestStats, type RunLlmSummary} from '../llm/llm-stats.js';

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

	view(): RunOutputView {
		const output = this.partial ? [...this.lines, ...`${this.partial}…`.split('\n')].slice(-maxLines) : [...this.lines];
		const thinking = this.thought ? this.thought.split('\n').filter((line) => line.trim() !== '').slice(-30) : undefined;
		return {output, stderr: this.stderr.split('\n').filter((line) => line.trim() !== '').slice(-20), ...(this.llm ? {llm: this.llm} : {}), ...(thinking ? {thinking} : {})};
	}
}

/** The outputs of the last `maxRuns` runs, oldest forgotten first. */
export class RunOutputs {
	private readonly runs = new Map<string, RunOutput>();

	constructor(private readonly maxRuns = 50) {}

	create(runId: string): RunOutput {
		const output = new RunOutput();
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
}

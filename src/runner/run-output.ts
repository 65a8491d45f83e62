// What the details view shows of a run: its recent agent output and the sandbox's stderr tail,
// bounded per run and kept for the last runs only.

import type {RunOutputView} from '../api/host-api.js';

const maxLines = 60;
const maxLineChars = 300;
const maxStderrChars = 4000;

/** One run's recent output lines (each cut), the answer streaming now, and its stderr tail. */
export class RunOutput {
	private lines: string[] = [];
	private partial = '';
	private stderr = '';

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

	view(): RunOutputView {
		const output = this.partial ? [...this.lines, ...`${this.partial}…`.split('\n')].slice(-maxLines) : [...this.lines];
		return {output, stderr: this.stderr.split('\n').filter((line) => line.trim() !== '').slice(-20)};
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

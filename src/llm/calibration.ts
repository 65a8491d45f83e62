// Per-model calibration from what Ollama reports, kept in the home (store/llm-calibration.json) so
// that every host process of the home starts from it:
// - characters per prompt token: the request's characters over prompt_eval_count less the template
//   tokens; a lower value is taken at once (the estimate must not fall short), a higher one slowly;
// - the cold prompt rate: the lowest prompt_eval_count per second of prompt_eval_duration seen,
//   i.e. a request that was evaluated in full. Ollama reports the whole prompt, cached or not, and
//   times only what it evaluated, so evaluated ≈ prompt_eval_duration × that rate.
import fs from 'node:fs';
import path from 'node:path';
import {defaultCharsPerToken} from '../../container/agent-runner/src/token-budget.js';

export interface ModelCalibration {
	charsPerToken: number;
	/** Prompt tokens per second when nothing comes from the cache. */
	coldPromptTokensPerSecond?: number;
	samples: number;
}

const minRatio = 1;
const maxRatio = 8;

/** The next ratio after a request that measured `sample` (over budget: the count was cut, so it is a ceiling). */
export function nextCharsPerToken(current: number, sample: number, overBudget: boolean): number {
	if (!Number.isFinite(sample) || sample <= 0) return current;
	const next = overBudget ? Math.min(current, sample) * 0.85 : sample < current ? sample : current + (sample - current) * 0.25;
	return Math.round(Math.min(maxRatio, Math.max(minRatio, next)) * 1000) / 1000;
}

/** The cold rate after a request: the lowest rate seen (cached prompts look faster, never slower). */
export function nextColdRate(current: number | undefined, promptTokens: number, promptMs: number): number | undefined {
	if (promptTokens < 256 || promptMs <= 0) return current;
	const rate = (promptTokens * 1000) / promptMs;
	return current === undefined ? rate : Math.min(current, rate);
}

export interface CalibrationSample {
	chars: number;
	fixedTokens: number;
	promptTokens: number;
	promptMs?: number;
	overBudget: boolean;
}

export class Calibration {
	private readonly models = new Map<string, ModelCalibration>();

	constructor(private readonly file?: string) {
		if (!file) return;
		try {
			const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as {models?: Record<string, ModelCalibration>};
			for (const [model, value] of Object.entries(parsed.models ?? {})) {
				if (Number.isFinite(value?.charsPerToken) && value.charsPerToken >= minRatio && value.charsPerToken <= maxRatio) {
					this.models.set(model, {charsPerToken: value.charsPerToken, coldPromptTokensPerSecond: value.coldPromptTokensPerSecond, samples: value.samples ?? 0});
				}
			}
		} catch {
			// No calibration yet (or a damaged file): start from the defaults and write a new one.
		}
	}

	get(model: string): ModelCalibration {
		return this.models.get(model) ?? {charsPerToken: defaultCharsPerToken, samples: 0};
	}

	/** Learns from one answered request; returns the tokens Ollama evaluated (undefined before any cold request). */
	learn(model: string, sample: CalibrationSample): number | undefined {
		const current = this.get(model);
		const contentTokens = sample.promptTokens - sample.fixedTokens;
		const next: ModelCalibration = {
			charsPerToken: contentTokens > 0 ? nextCharsPerToken(current.charsPerToken, sample.chars / contentTokens, sample.overBudget) : current.charsPerToken,
			coldPromptTokensPerSecond: sample.promptMs === undefined ? current.coldPromptTokensPerSecond : nextColdRate(current.coldPromptTokensPerSecond, sample.promptTokens, sample.promptMs),
			samples: current.samples + 1,
		};
		this.models.set(model, next);
		this.save();
		if (sample.promptMs === undefined || next.coldPromptTokensPerSecond === undefined) return undefined;
		return Math.min(sample.promptTokens, Math.round((sample.promptMs / 1000) * next.coldPromptTokensPerSecond));
	}

	/** Ollama refused a prompt as longer than the context: the estimate was too low. */
	tooLong(model: string): void {
		const current = this.get(model);
		this.models.set(model, {...current, charsPerToken: Math.max(minRatio, Math.round(current.charsPerToken * 0.8 * 1000) / 1000)});
		this.save();
	}

	private save(): void {
		if (!this.file) return;
		try {
			fs.mkdirSync(path.dirname(this.file), {recursive: true});
			const temp = `${this.file}.${process.pid}.tmp`;
			fs.writeFileSync(temp, JSON.stringify({version: 1, models: Object.fromEntries(this.models)}, null, '\t'));
			fs.renameSync(temp, this.file);
		} catch {
			// Losing a calibration only costs a few cautious requests next time.
		}
	}
}

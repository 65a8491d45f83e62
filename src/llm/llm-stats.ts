// What one model request cost, measured from the counts and durations Ollama reports; shared by
// the host (logs, the run's details) and the UI. Nothing here imports anything.

/** One request to the model, as Ollama reported it (fields it did not report are absent). */
export interface LlmRequestStats {
	model: string;
	/** When the answer ended (ISO). */
	at: string;
	numCtx: number;
	/** The host's estimate of the prompt before sending it. */
	estimatedTokens: number;
	/** prompt_eval_count: the whole prompt, cached or not. */
	promptTokens?: number;
	/** Tokens Ollama evaluated: prompt_eval_duration at the model's cold prompt rate (at most the prompt). */
	evaluatedTokens?: number;
	/** The rest of the prompt: served from the prompt (KV) cache. */
	cachedTokens?: number;
	/** eval_count. */
	outputTokens?: number;
	promptMs?: number;
	evalMs?: number;
	/** load_duration: time spent loading the model before this request. */
	loadMs?: number;
	totalMs?: number;
	/** Output tokens per second of generation. */
	tokensPerSecond?: number;
	/** The prompt took more than its budget (num_ctx less the reserve): Ollama may have cut it. */
	overBudget: boolean;
	doneReason?: string;
}

/** One run's requests added up, with the last few kept whole. */
export interface RunLlmSummary {
	requests: number;
	promptTokens: number;
	evaluatedTokens: number;
	cachedTokens: number;
	outputTokens: number;
	evalMs: number;
	loadMs: number;
	largestPrompt: number;
	numCtx: number;
	overBudget: number;
	last: LlmRequestStats[];
}

/** The context the host uses for the model, for the status bar and `doctor`. */
export interface ContextInUse {
	numCtx: number;
	source: 'OLLAMA_NUM_CTX' | 'auto' | 'Modelfile';
	modelMax?: number;
	reserveTokens: number;
	/** The prompt of the latest request (tokens). */
	lastPromptTokens?: number;
	/** Set when the model's context is too small for the agent (or the setting was capped): what to do. */
	warning?: string;
}

const keptRequests = 10;

export function emptySummary(): RunLlmSummary {
	return {requests: 0, promptTokens: 0, evaluatedTokens: 0, cachedTokens: 0, outputTokens: 0, evalMs: 0, loadMs: 0, largestPrompt: 0, numCtx: 0, overBudget: 0, last: []};
}

export function addToSummary(summary: RunLlmSummary, stats: LlmRequestStats): RunLlmSummary {
	return {
		requests: summary.requests + 1,
		promptTokens: summary.promptTokens + (stats.promptTokens ?? 0),
		evaluatedTokens: summary.evaluatedTokens + (stats.evaluatedTokens ?? 0),
		cachedTokens: summary.cachedTokens + (stats.cachedTokens ?? 0),
		outputTokens: summary.outputTokens + (stats.outputTokens ?? 0),
		evalMs: summary.evalMs + (stats.evalMs ?? 0),
		loadMs: summary.loadMs + (stats.loadMs ?? 0),
		largestPrompt: Math.max(summary.largestPrompt, stats.promptTokens ?? stats.estimatedTokens),
		numCtx: stats.numCtx,
		overBudget: summary.overBudget + (stats.overBudget ? 1 : 0),
		last: [...summary.last, stats].slice(-keptRequests),
	};
}

const percent = (part: number, whole: number) => (whole > 0 ? `${Math.round((100 * part) / whole)}%` : '-');
const seconds = (ms: number) => (ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`);

/** One line for a request: prompt, evaluated and cached, output and speed, load. */
export function describeRequest(stats: LlmRequestStats): string {
	const prompt = stats.promptTokens ?? stats.estimatedTokens;
	const parts = [`prompt ${prompt}${stats.promptTokens === undefined ? ' (estimated)' : ''} of num_ctx ${stats.numCtx}`];
	if (stats.evaluatedTokens !== undefined) parts.push(`evaluated ${stats.evaluatedTokens}, cached ${percent(stats.cachedTokens ?? 0, prompt)}`);
	if (stats.outputTokens !== undefined) parts.push(`output ${stats.outputTokens}${stats.tokensPerSecond ? ` at ${stats.tokensPerSecond.toFixed(1)} tok/s` : ''}`);
	if (stats.loadMs) parts.push(`load ${seconds(stats.loadMs)}`);
	if (stats.overBudget) parts.push('OVER BUDGET (Ollama may have cut it)');
	if (stats.doneReason === 'length') parts.push('answer cut at the reserve');
	return parts.join(' · ');
}

/** One line for a run: its requests added up. */
export function describeSummary(summary: RunLlmSummary): string {
	const speed = summary.evalMs > 0 ? ` at ${((summary.outputTokens * 1000) / summary.evalMs).toFixed(1)} tok/s` : '';
	return [
		`${summary.requests} request${summary.requests === 1 ? '' : 's'}`,
		`prompt ${summary.promptTokens} (evaluated ${summary.evaluatedTokens}, cached ${percent(summary.cachedTokens, summary.promptTokens)})`,
		`output ${summary.outputTokens}${speed}`,
		`load ${seconds(summary.loadMs)}`,
		`largest prompt ${summary.largestPrompt} of num_ctx ${summary.numCtx}`,
		...(summary.overBudget ? [`${summary.overBudget} over budget`] : []),
	].join(' · ');
}

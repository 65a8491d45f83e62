// How large a context the host asks Ollama for (num_ctx), and what it keeps free for the answer.

/**
 * OLLAMA_NUM_CTX=auto: 16384 tokens. The agent's fixed part (system prompt and tool schemas) is
 * about 3,300 tokens, the answer reserve 2,048; 16k leaves about 10,000 for history and tool
 * results: five or six turns with a few KB of tool output each. On the machine this is meant for
 * (an 8B model, Q4, on a 16 GB Mac mini) the KV cache of qwen3:8b at 16k is about 2.3 GB (144 KB
 * per token) beside 5.2 GB of weights, so it stays on the GPU; 32k would need 4.6 GB and push the
 * model past the GPU's share of memory. A cold 16k prompt takes ~110 s at 150 tokens/s, which is
 * why the prompt cache must be reused. Ollama's own default there (4096) does not hold the fixed part.
 */
export const autoNumCtx = 16_384;

export type NumCtxSetting = number | 'auto';

export interface ModelFacts {
	/** `model_info` `<family>.context_length`: the most the model was trained for. */
	contextLength?: number;
	/** A `num_ctx` PARAMETER in the model's Modelfile. */
	modelfileNumCtx?: number;
	capabilities?: string[];
}

/** The facts `/api/show` gives about context and capabilities. */
export function modelFactsFromShow(show: unknown): ModelFacts {
	const value = (show ?? {}) as {model_info?: Record<string, unknown>; parameters?: unknown; capabilities?: unknown};
	const info = value.model_info ?? {};
	const architecture = typeof info['general.architecture'] === 'string' ? info['general.architecture'] : undefined;
	const lengthKey = architecture && `${architecture}.context_length` in info ? `${architecture}.context_length` : Object.keys(info).find((key) => key.endsWith('.context_length'));
	const contextLength = positive(lengthKey ? info[lengthKey] : undefined);
	const parameter = typeof value.parameters === 'string' ? /^num_ctx\s+(\d+)\s*$/m.exec(value.parameters)?.[1] : undefined;
	const capabilities = Array.isArray(value.capabilities) ? value.capabilities.filter((c): c is string => typeof c === 'string') : undefined;
	return {contextLength, modelfileNumCtx: positive(parameter), capabilities};
}

function positive(value: unknown): number | undefined {
	const number = typeof value === 'string' ? Number(value) : value;
	return typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : undefined;
}

export interface ContextChoice {
	numCtx: number;
	/** Where the value came from. */
	source: 'OLLAMA_NUM_CTX' | 'auto' | 'Modelfile';
	modelMax?: number;
	/** The setting asked for more than the model's maximum. */
	capped: boolean;
}

/** A number wins, then a Modelfile num_ctx, then the auto default; never past the model's maximum. */
export function chooseNumCtx(setting: NumCtxSetting, facts: ModelFacts): ContextChoice {
	const wanted = setting !== 'auto' ? setting : (facts.modelfileNumCtx ?? autoNumCtx);
	const source = setting !== 'auto' ? 'OLLAMA_NUM_CTX' : facts.modelfileNumCtx ? 'Modelfile' : 'auto';
	const max = facts.contextLength;
	const numCtx = max ? Math.min(wanted, max) : wanted;
	return {numCtx, source, modelMax: max, capped: max !== undefined && wanted > max && source !== 'auto'};
}

/** Tokens kept free for the answer (num_predict): an eighth of the context, 512 to 4096, more when the model thinks. */
export function answerReserve(numCtx: number, thinking: boolean): number {
	const base = Math.min(4096, Math.max(512, Math.round(numCtx / 8)));
	return Math.min(Math.floor(numCtx / 2), thinking ? base * 2 : base);
}

/** The smallest context the agent can work in: its fixed part, the reserve, one modest turn and the estimate's margin. */
export function minimumNumCtx(fixedTokens: number, reserve: number): number {
	return Math.ceil((fixedTokens + reserve + 1024) / 0.94);
}

/** 16384 → 16k (context sizes are powers of two), 9123 → 9.1k, 950 → 950. */
export const shortTokens = (n: number): string => (n >= 1024 && n % 1024 === 0 ? `${n / 1024}k` : n >= 1000 ? `${Math.round(n / 100) / 10}k` : String(n));

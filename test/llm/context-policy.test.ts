import {describe, expect, it} from 'vitest';
import {nextCharsPerToken, nextColdRate} from '../../src/llm/calibration.js';
import {answerReserve, chooseNumCtx, minimumNumCtx, modelFactsFromShow, shortTokens} from '../../src/llm/context-size.js';
import {FakeClock} from '../scheduler/fake-clock.js';
import {ModelWarmer} from '../../src/llm/model-warmer.js';

describe('modelFactsFromShow', () => {
	it.each<[string, unknown, ReturnType<typeof modelFactsFromShow>]>([
		[
			'qwen3 with a Modelfile num_ctx',
			{model_info: {'general.architecture': 'qwen3', 'qwen3.context_length': 40960}, parameters: 'num_ctx                        8192\nstop                           "<|im_start|>"', capabilities: ['completion', 'tools', 'thinking']},
			{contextLength: 40960, modelfileNumCtx: 8192, capabilities: ['completion', 'tools', 'thinking']},
		],
		['llama without architecture key', {model_info: {'llama.context_length': 131072}}, {contextLength: 131072, modelfileNumCtx: undefined, capabilities: undefined}],
		['an older Ollama without model_info', {details: {}}, {contextLength: undefined, modelfileNumCtx: undefined, capabilities: undefined}],
		['nonsense', {model_info: {'x.context_length': 'lots'}, parameters: 42}, {contextLength: undefined, modelfileNumCtx: undefined, capabilities: undefined}],
	])('%s', (_name, show, expected) => {
		expect(modelFactsFromShow(show)).toEqual(expected);
	});
});

describe('chooseNumCtx', () => {
	it.each<[string, number | 'auto', Parameters<typeof chooseNumCtx>[1], ReturnType<typeof chooseNumCtx>]>([
		['auto on qwen3:8b', 'auto', {contextLength: 40960}, {numCtx: 16384, source: 'auto', modelMax: 40960, capped: false}],
		['auto on a small model', 'auto', {contextLength: 8192}, {numCtx: 8192, source: 'auto', modelMax: 8192, capped: false}],
		['auto with a Modelfile num_ctx', 'auto', {contextLength: 40960, modelfileNumCtx: 32768}, {numCtx: 32768, source: 'Modelfile', modelMax: 40960, capped: false}],
		['a number wins over the Modelfile', 24576, {contextLength: 40960, modelfileNumCtx: 32768}, {numCtx: 24576, source: 'OLLAMA_NUM_CTX', modelMax: 40960, capped: false}],
		['a number past the maximum is capped', 65536, {contextLength: 40960}, {numCtx: 40960, source: 'OLLAMA_NUM_CTX', modelMax: 40960, capped: true}],
		['maximum unknown', 'auto', {}, {numCtx: 16384, source: 'auto', modelMax: undefined, capped: false}],
	])('%s', (_name, setting, facts, expected) => {
		expect(chooseNumCtx(setting, facts)).toEqual(expected);
	});

	it.each([
		[2048, false, 512],
		[16384, false, 2048],
		[16384, true, 4096],
		[131072, false, 4096],
		[1024, true, 512],
	])('keeps %i tokens of %s-thinking context … %i for the answer', (numCtx, thinking, reserve) => {
		expect(answerReserve(numCtx, thinking)).toBe(reserve);
	});

	it('needs the fixed part, the reserve and a turn, with the margin', () => {
		expect(minimumNumCtx(3000, 2048)).toBe(Math.ceil(6072 / 0.94));
		expect(shortTokens(16384)).toBe('16k');
		expect(shortTokens(9123)).toBe('9.1k');
		expect(shortTokens(950)).toBe('950');
	});
});

describe('calibration', () => {
	it.each<[string, number, number, boolean, number]>([
		['a lower ratio is taken at once', 3, 2.4, false, 2.4],
		['a higher one slowly', 3, 4, false, 3.25],
		['over budget: the count was cut, so lower still', 3, 3.5, true, 2.55],
		['clamped', 1.1, 0.2, true, 1],
		['nonsense is ignored', 3, Number.NaN, false, 3],
	])('%s', (_name, current, sample, overBudget, expected) => {
		expect(nextCharsPerToken(current, sample, overBudget)).toBeCloseTo(expected, 3);
	});

	it.each<[string, number | undefined, number, number, number | undefined]>([
		['a first cold request sets the rate', undefined, 3000, 20_000, 150],
		['a cached request looks faster and changes nothing', 150, 9000, 1000, 150],
		['a slower full request lowers it', 150, 6000, 50_000, 120],
		['a tiny prompt says nothing', 150, 100, 10_000, 150],
	])('%s', (_name, current, tokens, ms, expected) => {
		expect(nextColdRate(current, tokens, ms)).toBe(expected);
	});
});

describe('ModelWarmer', () => {
	it('loads the model two minutes before the next task, once per run, and not for past runs', async () => {
		const clock = new FakeClock(Date.parse('2030-01-01T08:00:00Z'));
		let loads = 0;
		const warmer = new ModelWarmer({load: async () => void loads++, clock});
		const runs = ['2030-01-01T07:00:00Z', '2030-01-01T09:00:00Z', null, '2030-01-01T10:00:00Z'];
		warmer.schedule(runs);
		clock.advanceTo(Date.parse('2030-01-01T08:57:59Z'));
		expect(loads).toBe(0);
		clock.advanceTo(Date.parse('2030-01-01T08:58:00Z'));
		expect(loads).toBe(1);
		// The tasks change while the 09:00 run is still ahead: it is not loaded for twice.
		warmer.schedule(runs);
		clock.advanceTo(Date.parse('2030-01-01T08:59:59Z'));
		expect(loads).toBe(1);
		warmer.schedule(runs.slice(3));
		clock.advanceTo(Date.parse('2030-01-01T09:58:00Z'));
		expect(loads).toBe(2);
		warmer.stop();
	});
});

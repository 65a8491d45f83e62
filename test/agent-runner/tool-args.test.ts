import {describe, expect, it} from 'vitest';
import {type ParamSpecs, parseToolArguments, toToolDefinition, validateToolArguments} from '../../container/agent-runner/src/tool-args.js';

const params: ParamSpecs = {
	command: {type: 'string', description: 'c', required: true},
	timeout_ms: {type: 'integer', description: 't', min: 1},
	readonly: {type: 'boolean', description: 'r'},
	mode: {type: 'string', description: 'm', enum: ['a', 'b']},
};

describe('parseToolArguments', () => {
	it.each([
		[{command: 'ls'}, {ok: true, args: {command: 'ls'}}],
		['{"command":"ls"}', {ok: true, args: {command: 'ls'}}],
		[undefined, {ok: true, args: {}}],
		['', {ok: true, args: {}}],
		['{"command":', {ok: false, error: expect.stringMatching(/^the arguments for "bash" are not valid JSON \(.+\); send them as a JSON object$/)}],
		['[1,2]', {ok: false, error: 'the arguments for "bash" must be a JSON object, not an array'}],
		['"ls"', {ok: false, error: 'the arguments for "bash" must be a JSON object, not a string ("ls")'}],
		[42, {ok: false, error: 'the arguments for "bash" must be a JSON object, not a number (42)'}],
	])('%j', (raw, expected) => {
		expect(parseToolArguments('bash', raw)).toEqual(expected);
	});
});

describe('validateToolArguments', () => {
	it.each([
		[{command: 'ls'}, {ok: true, args: {command: 'ls'}}],
		[{command: 'ls', timeout_ms: 5, readonly: false, mode: 'a', extra: 1}, {ok: true, args: {command: 'ls', timeout_ms: 5, readonly: false, mode: 'a'}}],
		[{command: 'ls', timeout_ms: null}, {ok: true, args: {command: 'ls'}}],
		[{}, 'missing required field "command" (string). Expected {command: string, timeout_ms?: integer, readonly?: boolean, mode?: "a"|"b"}'],
		[{cmd: 'ls'}, 'missing required field "command" (string); unexpected field(s) "cmd".'],
		[{command: 1}, 'field "command" must be a string, got a number (1)'],
		[{command: 'ls', timeout_ms: 1.5}, 'field "timeout_ms" must be an integer, got a number (1.5)'],
		[{command: 'ls', timeout_ms: 0}, 'field "timeout_ms" must be at least 1, got 0'],
		[{command: 'ls', readonly: 'yes'}, 'field "readonly" must be true or false, got a string ("yes")'],
		[{command: 'ls', mode: 'c'}, 'field "mode" must be one of "a", "b", got "c"'],
		[{command: ['ls']}, 'field "command" must be a string, got an array'],
	])('%j', (args, expected) => {
		const result = validateToolArguments('bash', args, params);
		if (typeof expected === 'string') {
			expect(result.ok).toBe(false);
			expect(!result.ok && result.error).toContain(`bad arguments for "bash": `);
			expect(!result.ok && result.error).toContain(expected);
		} else {
			expect(result).toEqual(expected);
		}
	});
});

it('turns parameters into the JSON schema the model sees', () => {
	expect(toToolDefinition('bash', 'Run', {command: params.command, mode: params.mode})).toEqual({
		type: 'function',
		function: {
			name: 'bash',
			description: 'Run',
			parameters: {type: 'object', properties: {command: {type: 'string', description: 'c'}, mode: {type: 'string', description: 'm', enum: ['a', 'b']}}, required: ['command']},
		},
	});
});

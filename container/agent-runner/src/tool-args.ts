// Hand-written argument validation for the model's tool calls (no schema library in the sandbox).
import type {ToolDefinition} from './protocol.js';
import {errorMessage} from './text.js';

export interface ParamSpec {
	type: 'string' | 'integer' | 'boolean' | 'array';
	description: string;
	required?: boolean;
	enum?: readonly string[];
	/** Smallest allowed value for integers. */
	min?: number;
	/** For arrays: the JSON schema of an item, shown to the model (the tool checks the items itself). */
	items?: Record<string, unknown>;
}

export type ParamSpecs = Record<string, ParamSpec>;

export type ArgsResult = {ok: true; args: Record<string, unknown>} | {ok: false; error: string};

/** The JSON schema the model is shown for a tool's parameters. */
export function toToolDefinition(name: string, description: string, params: ParamSpecs): ToolDefinition {
	const properties: Record<string, unknown> = {};
	for (const [key, spec] of Object.entries(params)) {
		properties[key] = {type: spec.type, description: spec.description, ...(spec.enum ? {enum: [...spec.enum]} : {}), ...(spec.items ? {items: spec.items} : {})};
	}
	const required = Object.entries(params)
		.filter(([, spec]) => spec.required)
		.map(([key]) => key);
	return {type: 'function', function: {name, description, parameters: {type: 'object', properties, required}}};
}

/** Arguments may arrive as an object or as a JSON string; either way the result is an object or a reason. */
export function parseToolArguments(toolName: string, raw: unknown): ArgsResult {
	if (raw === undefined || raw === null || raw === '') return {ok: true, args: {}};
	let value = raw;
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw);
		} catch (error) {
			return {
				ok: false,
				error: `the arguments for "${toolName}" are not valid JSON (${errorMessage(error)}); send them as a JSON object`,
			};
		}
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		return {ok: false, error: `the arguments for "${toolName}" must be a JSON object, not ${describe(value)}`};
	}
	return {ok: true, args: value as Record<string, unknown>};
}

/** Checks parsed arguments against a tool's parameters; unknown extra fields are dropped. */
export function validateToolArguments(toolName: string, args: Record<string, unknown>, params: ParamSpecs): ArgsResult {
	const problems: string[] = [];
	const clean: Record<string, unknown> = {};
	for (const [key, spec] of Object.entries(params)) {
		const value = args[key];
		if (value === undefined || value === null) {
			if (spec.required) problems.push(`missing required field "${key}" (${spec.type})`);
			continue;
		}
		const problem = checkValue(key, value, spec);
		if (problem) problems.push(problem);
		else clean[key] = value;
	}
	if (problems.length === 0) return {ok: true, args: clean};
	const unknown = Object.keys(args).filter((key) => !(key in params));
	const expected = Object.entries(params)
		.map(([key, spec]) => `${key}${spec.required ? '' : '?'}: ${spec.enum ? spec.enum.map((e) => `"${e}"`).join('|') : spec.type}`)
		.join(', ');
	const unknownNote = unknown.length ? `; unexpected field(s) ${unknown.map((k) => `"${k}"`).join(', ')}` : '';
	return {
		ok: false,
		error: `bad arguments for "${toolName}": ${problems.join('; ')}${unknownNote}. Expected {${expected}}`,
	};
}

function checkValue(key: string, value: unknown, spec: ParamSpec): string | undefined {
	if (spec.type === 'string') {
		if (typeof value !== 'string') return `field "${key}" must be a string, got ${describe(value)}`;
		if (spec.enum && !spec.enum.includes(value)) {
			return `field "${key}" must be one of ${spec.enum.map((e) => `"${e}"`).join(', ')}, got "${value}"`;
		}
		return undefined;
	}
	if (spec.type === 'integer') {
		if (typeof value !== 'number' || !Number.isInteger(value)) return `field "${key}" must be an integer, got ${describe(value)}`;
		if (spec.min !== undefined && value < spec.min) return `field "${key}" must be at least ${spec.min}, got ${value}`;
		return undefined;
	}
	if (spec.type === 'array') return Array.isArray(value) ? undefined : `field "${key}" must be an array, got ${describe(value)}`;
	if (typeof value !== 'boolean') return `field "${key}" must be true or false, got ${describe(value)}`;
	return undefined;
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)})`;
	if (typeof value === 'number') return `a number (${value})`;
	return `a ${typeof value}`;
}

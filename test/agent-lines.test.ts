import {describe, expect, it} from 'vitest';
import {LineSplitter, parseAgentLine} from '../src/runner/agent-lines.js';

describe('parseAgentLine', () => {
	it.each([
		['{"type":"ready"}', 'ready'],
		['{"type":"output","turnId":"t","text":"hi"}', 'output'],
		['{"type":"turn_done","turnId":"t","ok":true}', 'turn_done'],
		['{"type":"llm_request","requestId":"r","messages":[],"tools":[]}', 'llm_request'],
		['{"type":"log","level":"warn","msg":"x"}', 'log'],
		['{"type":"web_request","requestId":"r","url":"https://a.test/","maxBytes":100}', 'web_request'],
		['{"type":"llm_cancel","requestId":"r"}', 'llm_cancel'],
		['{"type":"subagent","id":"sa1","name":"alpha","state":"timed out","rounds":1,"tokens":9}', 'subagent'],
	])('accepts %s', (line, type) => {
		expect(parseAgentLine(line)?.type).toBe(type);
	});

	it.each([
		['npm WARN something'],
		['{"type":"unknown"}'],
		['{"type":"output","turnId":"t"}'],
		['{"type":"turn_done","turnId":"t","ok":"yes"}'],
		['{"type":"log","level":"loud","msg":"x"}'],
		['{"type":"web_request","requestId":"r","url":5,"maxBytes":100}'],
		['{"type":"web_request","requestId":"r","url":"https://a.test/"}'],
		['{"type":"llm_cancel"}'],
		['{"type":"subagent","id":"sa1","name":"alpha","state":"asleep"}'],
		['{"type":"subagent","id":1,"name":"alpha","state":"done"}'],
		['{not json'],
		['[1,2]'],
		[''],
	])('rejects %j (logged, never fatal)', (line) => {
		expect(parseAgentLine(line)).toBeNull();
	});
});

describe('LineSplitter', () => {
	it('joins lines split across chunks', () => {
		const splitter = new LineSplitter(100, () => {});
		expect(splitter.push('{"a"')).toEqual([]);
		expect(splitter.push(':1}\n{"b":2}\n{"c"')).toEqual(['{"a":1}', '{"b":2}']);
		expect(splitter.push(':3}\n')).toEqual(['{"c":3}']);
	});

	it('drops a line over the cap and keeps going', () => {
		let cuts = 0;
		const splitter = new LineSplitter(10, () => cuts++);
		expect(splitter.push('x'.repeat(25))).toEqual([]);
		expect(splitter.push('y'.repeat(25) + '\nok\n')).toEqual(['ok']);
		expect(cuts).toBe(1);
	});

	it('drops a line over the cap that arrives in one chunk, whole or split', () => {
		let cuts = 0;
		const splitter = new LineSplitter(10, () => cuts++);
		expect(splitter.push(`${'x'.repeat(11)}\nok\n`)).toEqual(['ok']);
		expect(splitter.push('x'.repeat(6))).toEqual([]);
		expect(splitter.push(`${'x'.repeat(6)}\nfine\n`)).toEqual(['fine']);
		expect(cuts).toBe(2);
	});
});

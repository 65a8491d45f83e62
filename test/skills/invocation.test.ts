import {describe, expect, it} from 'vitest';
import {parseHostCommand, parseSkillInvocations, type HostCommand, type SkillInvocation} from '../../src/skills/invocation.js';

const names = ['debug', 'reminders', 'add-memory', 'usr'];

describe('parseSkillInvocations', () => {
	it.each<[string, SkillInvocation[]]>([
		['/debug', [{name: 'debug', args: ''}]],
		['/debug why is family silent?', [{name: 'debug', args: 'why is family silent?'}]],
		['@Baby /reminders call mum at 5', [{name: 'reminders', args: 'call mum at 5'}]],
		['please /add-memory: I like tea', [{name: 'add-memory', args: 'I like tea'}]],
		['can you /debug.', [{name: 'debug', args: ''}]],
		['first line /debug args here\nsecond line', [{name: 'debug', args: 'args here'}]],
		['line one\n/reminders every monday', [{name: 'reminders', args: 'every monday'}]],
		['\t/debug\ttabbed', [{name: 'debug', args: 'tabbed'}]],
		['/debug a /reminders b', [{name: 'debug', args: 'a /reminders b'}, {name: 'reminders', args: 'b'}]],
		['/debug once /debug twice', [{name: 'debug', args: 'once /debug twice'}]],
		// Never inside a URL, a path, or glued to other text.
		['see https://example.com/debug for more', []],
		['see https://x/y and http://host/debug', []],
		['run ./a/b or ./debug', []],
		['/usr/bin/env', []],
		['open /debug/logs.txt', []],
		['file /debug.txt', []],
		['and/debug', []],
		['x/debug y', []],
		['~/debug', []],
		['//debug', []],
		// Unknown names and other spellings are plain text.
		['/unknown thing', []],
		['/Debug', []],
		['/debugger', []],
		['/ debug', []],
		['no slash debug', []],
	])('%j', (text, expected) => {
		expect(parseSkillInvocations(text, names)).toEqual(expected);
	});
});

describe('parseHostCommand', () => {
	it.each<[string, string | undefined, HostCommand | null]>([
		['/skills', undefined, 'skills'],
		['/clear', undefined, 'clear'],
		['/compact', undefined, 'compact'],
		['/help', undefined, 'help'],
		['  /help  ', undefined, 'help'],
		['@Baby /clear', '@Baby', 'clear'],
		['@baby, /compact', '@Baby', 'compact'],
		['@Baby: /skills', '@Baby', 'skills'],
		['@Bob /clear', '@Baby', null],
		['@Anyone /clear', undefined, 'clear'],
		['/clear please', undefined, null],
		['please /clear', undefined, null],
		['/clear\n/help', undefined, null],
		['/Clear', undefined, null],
		['/unknown', undefined, null],
		['/debug', undefined, null],
		['https://x/clear', undefined, null],
		['', undefined, null],
	])('%j with trigger %j → %j', (text, trigger, expected) => {
		expect(parseHostCommand(text, trigger)).toBe(expected);
	});
});

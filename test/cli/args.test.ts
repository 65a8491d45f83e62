import {describe, expect, it} from 'vitest';
import {checkFlags, extractHome, parseArgs, UsageError} from '../../src/cli/args.js';
import {parseCommandLine} from '../../src/cli/main.js';

describe('the command line', () => {
	it.each<[string[], Partial<ReturnType<typeof parseCommandLine>>]>([
		[[], {rest: [], headless: false, version: false, help: false}],
		[['--headless'], {headless: true}],
		[['--home', '/h', '--version'], {home: '/h', version: true}],
		[['--version', '--home=/h'], {home: '/h', version: true}],
		[['--home', '/h', '--help'], {home: '/h', help: true}],
		[['-h', 'chat'], {help: true, command: 'chat'}],
		[['groups', 'list', '--home', '/h'], {home: '/h', command: 'groups', rest: ['list']}],
		[['chat', '--home=/h', 'hi'], {home: '/h', command: 'chat', rest: ['hi']}],
		[['--home', '/a', 'chat', '--home', '/b', 'hi'], {home: '/b', rest: ['hi']}],
		[['chat', '--help'], {help: false, command: 'chat', rest: ['--help']}],
		[['chat', '--', '--home', 'x'], {home: undefined, rest: ['--', '--home', 'x']}],
	])('%j → %j', (argv, expected) => {
		expect(parseCommandLine(argv)).toMatchObject(expected);
	});

	it.each<[string[], RegExp]>([
		[['--bogus'], /^unknown flag --bogus: run `babybot-tui --help` for the valid ones$/],
		[['--bogus=1', 'chat'], /^unknown flag --bogus: /],
		[['--home'], /^--home needs a folder: e.g. --home ~\/.babybot$/],
		[['chat', '--home'], /^--home needs a folder/],
		[['--home', '--headless'], /^--home needs a folder/],
		[['--home='], /^--home needs a folder/],
	])('%j is a one-line usage error', (argv, message) => {
		expect(() => parseCommandLine(argv)).toThrow(UsageError);
		expect(() => parseCommandLine(argv)).toThrow(message);
	});

	it('leaves everything after -- alone', () => {
		expect(extractHome(['a', '--', '--home', 'x'])).toEqual({home: undefined, rest: ['a', '--', '--home', 'x']});
	});
});

describe('command flags', () => {
	const flags = {group: {type: 'string'}, trigger: {type: 'boolean', default: true}} as const;

	it.each<[string[], RegExp | null]>([
		[['hello'], null],
		[['--group', 'fam', 'hello'], null],
		[['--group=fam', 'hello'], null],
		[['--no-trigger'], null],
		[['-5', 'degrees'], null],
		[['--', '--bogus'], null],
		[['--bogus', 'hi'], /^unknown flag --bogus: run `babybot-tui chat --help` for the valid ones$/],
		[['--bogus=3'], /^unknown flag --bogus: /],
		[['-x'], /^unknown flag -x: /],
		[['--no-group'], /^unknown flag --no-group: /],
		[['--group'], /^--group needs a value: run `babybot-tui chat --help`/],
		[['--group', '--no-trigger'], /^--group needs a value/],
		[['--trigger=yes'], /^--trigger takes no value/],
	])('%j → %s', (argv, problem) => {
		if (problem === null) expect(() => checkFlags(argv, flags, 'chat')).not.toThrow();
		else expect(() => checkFlags(argv, flags, 'chat')).toThrow(problem);
	});

	it('parses what it checked, and never exits the process on a bad flag', () => {
		const parsed = parseArgs(['--group', 'fam', '--', '-not-a-flag'], {command: 'chat', flags});
		expect(parsed.flags.group).toBe('fam');
		expect(parsed.input).toEqual(['-not-a-flag']);
		expect(() => parseArgs(['--help'], {command: 'chat', flags})).toThrow(UsageError);
	});
});

// The binary's own surface: --version and --help anywhere before the command, COMMAND --help,
// --home after the command word, one-line errors for unknown flags, and the UI without a terminal.
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {cliEnv, projectRoot, runCli} from '../support/cli.js';
import {tempHome} from '../support/temp-home.js';

const version = (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {version: string}).version;

function setup() {
	const made = tempHome();
	// Nothing here may reach a model: a closed port.
	return {...made, env: cliEnv({home: made.home, allowlist: made.allowlist, ollamaUrl: 'http://127.0.0.1:9'})};
}

describe('--version and --help', () => {
	it.each<[string, (home: string) => string[]]>([
		['--version', () => ['--version']],
		['--home X --version', (home) => ['--home', home, '--version']],
		['--home=X --version', (home) => [`--home=${home}`, '--version']],
		['--headless --version', () => ['--headless', '--version']],
		['--version chat hi', () => ['--version', 'chat', 'hi']],
	])('%s prints the version and starts nothing', async (_name, argv) => {
		const s = setup();
		const result = await runCli(argv(s.home), s.env);
		expect(result).toMatchObject({code: 0, stderr: '', stdout: `${version}\n`});
		expect(fs.existsSync(path.join(s.home, 'host.lock'))).toBe(false);
		expect(fs.existsSync(path.join(s.home, 'store'))).toBe(false);
	});

	it.each<[string, (home: string) => string[], string]>([
		['--help', () => ['--help'], '$ babybot-tui --headless'],
		['--home X --help', (home) => ['--home', home, '--help'], '$ babybot-tui --headless'],
		['--headless -h', () => ['--headless', '-h'], '$ babybot-tui --headless'],
		['chat --help', () => ['chat', '--help'], '$ babybot-tui chat [--group FOLDER] MESSAGE…'],
		['chat hi --help', () => ['chat', 'hi', '--help'], '$ babybot-tui chat [--group FOLDER] MESSAGE…'],
		['--help chat', () => ['--help', 'chat'], '$ babybot-tui chat [--group FOLDER] MESSAGE…'],
		['groups --home X --help', (home) => ['groups', '--home', home, '--help'], '$ babybot-tui groups add --jid JID'],
		['doctor -h', () => ['doctor', '-h'], '$ babybot-tui doctor'],
		['mounts --help', () => ['mounts', '--help'], 'babybot-tui mounts check PATH'],
		['hosts --help', () => ['hosts', '--help'], '$ babybot-tui hosts allow HOST [--group FOLDER] [--http] [--internal]'],
		['image --help', () => ['image', '--help'], '$ babybot-tui image build [--offline]'],
		['pair --help', () => ['pair', '--help'], '$ babybot-tui pair --phone DIGITS'],
		['sandbox --help', () => ['sandbox', '--help'], '$ babybot-tui sandbox check [--group FOLDER] [--runtime RUNTIME]'],
	])('%s prints that help and starts nothing', async (_name, argv, expected) => {
		const s = setup();
		const result = await runCli(argv(s.home), s.env);
		expect(result.code).toBe(0);
		expect(result.stderr).toBe('');
		expect(result.stdout).toContain(expected);
		expect(fs.existsSync(path.join(s.home, 'store'))).toBe(false);
	});
});

describe('unknown flags', () => {
	it.each<[string[], string, string]>([
		[['--bogus'], '--bogus', 'babybot-tui --help'],
		[['chat', '--bogus', 'hi'], '--bogus', 'babybot-tui chat --help'],
		[['chat', '--grp=main', 'hi'], '--grp', 'babybot-tui chat --help'],
		[['groups', 'add', '--jd', 'x'], '--jd', 'babybot-tui groups --help'],
		[['doctor', '--verbose'], '--verbose', 'babybot-tui doctor --help'],
		[['mounts', 'list', '--all'], '--all', 'babybot-tui mounts --help'],
		[['image', 'build', '--fast'], '--fast', 'babybot-tui image --help'],
		[['image', '--fast'], '--fast', 'babybot-tui image --help'],
		[['pair', '--qr'], '--qr', 'babybot-tui pair --help'],
		[['sandbox', 'check', '--fast'], '--fast', 'babybot-tui sandbox --help'],
	])('%j: one line naming %s and %s, exit 2', async (argv, flag, hint) => {
		const s = setup();
		const result = await runCli(argv, s.env);
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
		expect(result.stderr).toContain(flag);
		expect(result.stderr).toContain(hint);
	});

	it.each<[string[], RegExp]>([
		[['chat', '--group'], /^babybot-tui chat: --group needs a value/],
		[['groups', 'list', '--home'], /^babybot-tui: --home needs a folder/],
		[['--headless', 'doctor'], /^babybot-tui: --headless starts the host and takes no command/],
		[['frobnicate'], /^babybot-tui: unknown command "frobnicate": run `babybot-tui --help`/],
		[['sandbox'], /^babybot-tui sandbox: missing action: use `babybot-tui sandbox check \[--group F\] \[--runtime R\]`\n$/],
		[['sandbox', 'check', '--runtime', 'lxc'], /^babybot-tui sandbox: --runtime lxc is not one of auto, apple-container, docker, podman, gvisor, none\n$/],
	])('%j: one-line usage error, exit 2', async (argv, message) => {
		const s = setup();
		const result = await runCli(argv, s.env);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(message);
		expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
	});
});

describe('the UI without a terminal', () => {
	it('fails at once with one line that says to use a terminal or --headless, and leaves no lock', async () => {
		const s = setup();
		const result = await runCli(['--home', s.home], s.env, 20_000);
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr).toBe('babybot-tui: the UI needs a terminal (stdin and stdout are not one here): run it in a terminal, or use `babybot-tui --headless`\n');
		expect(fs.existsSync(path.join(s.home, 'host.lock'))).toBe(false);
	});
});

// `babybot-tui service`: the files it writes pass their checks (systemd-analyze verify, a plist
// parser), their command lines really start the host, and status/logs/uninstall say what is true.
import {execFileSync, spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {Writable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {runServiceCommand} from '../../src/cli/service-command.js';
import {loadConfig} from '../../src/config.js';
import {attachToRunningHost} from '../../src/control/attach.js';
import {homePaths} from '../../src/paths.js';
import {launchdPlist, systemdUnit, type ServiceSpec} from '../../src/service/service-files.js';
import {formatLogLine} from '../../src/service/log-tail.js';
import {serviceManager} from '../../src/service/service-manager.js';
import {cliEnv, projectRoot, runCli, startCli, waitFor} from '../support/cli.js';
import {startScriptedOllama} from '../support/ollama-server.js';
import {closeAfterEach} from '../support/test-host.js';
import {tempHome} from '../support/temp-home.js';

const closing = closeAfterEach();

class Collect extends Writable {
	text = '';
	override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
		this.text += chunk.toString();
		done();
	}
}

/** The words of a systemd command line as systemd splits them (double quotes, backslash escapes). */
function systemdWords(line: string): string[] {
	const words: string[] = [];
	for (const match of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) words.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]);
	return words.map((word) => word.replace(/%%/g, '%'));
}

function unitValues(unit: string, key: string): string[] {
	return unit
		.split('\n')
		.filter((line) => line.startsWith(`${key}=`))
		.map((line) => line.slice(key.length + 1));
}

/** The plist as Python's plistlib (a real parser) reads it. */
function parsePlist(text: string): Record<string, unknown> {
	const json = execFileSync('python3', ['-c', 'import json, plistlib, sys; print(json.dumps(plistlib.loads(sys.stdin.buffer.read())))'], {input: text, encoding: 'utf8'});
	return JSON.parse(json) as Record<string, unknown>;
}

/** A home whose .env points the service at the scripted Ollama and the `none` runtime. */
async function serviceHome() {
	const ollama = closing(await startScriptedOllama());
	const made = tempHome();
	fs.writeFileSync(path.join(made.home, '.env'), `CONTAINER_RUNTIME=none\nOLLAMA_BASE_URL=${ollama.url}\nMOUNT_ALLOWLIST_PATH=${made.allowlist}\n`);
	const env = {...cliEnv({home: made.home, allowlist: made.allowlist, ollamaUrl: ollama.url}), XDG_CONFIG_HOME: path.join(made.root, 'xdg')};
	return {...made, ollama, env, config: loadConfig({env: {BABYBOT_HOME: made.home}})};
}

async function dryRun(platform: 'linux' | 'darwin', config: ReturnType<typeof loadConfig>): Promise<string> {
	const stdout = new Collect();
	const code = await runServiceCommand(['install', '--dry-run'], config, {stdout, stderr: new Collect()}, {manager: serviceManager(platform, {XDG_CONFIG_HOME: '/nonexistent'})});
	expect(code).toBe(0);
	return stdout.text;
}

/** Runs argv with exactly `env` (what the service manager would give it) until the host answers, then SIGTERM. */
async function startsTheHost(argv: string[], env: NodeJS.ProcessEnv, home: string): Promise<void> {
	const child = spawn(argv[0], argv.slice(1), {env, cwd: home, stdio: ['ignore', 'pipe', 'pipe']});
	let output = '';
	child.stdout.on('data', (chunk) => (output += chunk));
	child.stderr.on('data', (chunk) => (output += chunk));
	const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
	try {
		const remote = await waitFor('the service host to answer', () => attachToRunningHost({paths: homePaths(home), waitMs: 500}).catch(() => undefined), 30_000);
		expect(remote.pid).toBe(child.pid);
		expect(remote.snapshot().runtime.name).toBe('none');
		remote.close();
	} finally {
		child.kill('SIGTERM');
	}
	expect(await exited, output).toBe(0);
}

const spec: ServiceSpec = {node: '/opt/node 24/bin/node', bin: '/opt/bb/bin/babybot-tui.js', home: '/home/me/100% "bot"', logFile: '/home/me/bot/logs/service.log', pathEnv: '/usr/bin:/bin'};

describe('the service files', () => {
	it.each([
		['a word with a space', '/opt/node 24/bin/node'],
		['a percent sign (a systemd specifier) and quotes', '/home/me/100% "bot"'],
	])('the systemd command line keeps %s as one word', (_what, word) => {
		const execStart = unitValues(systemdUnit(spec), 'ExecStart')[0];
		expect(systemdWords(execStart)).toContain(word);
		expect(systemdWords(execStart)).toEqual([spec.node, spec.bin, '--headless', '--home', spec.home]);
	});

	it('the plist escapes XML and keeps each argument whole', () => {
		const plist = parsePlist(launchdPlist({...spec, home: '/home/me/a<b>&c'}));
		expect(plist.ProgramArguments).toEqual([spec.node, spec.bin, '--headless', '--home', '/home/me/a<b>&c']);
	});

	it('the systemd unit passes systemd-analyze verify, restarts on failure, logs in the home, and its command line starts the host', async () => {
		const {home, env, config} = await serviceHome();
		const unit = await dryRun('linux', config);
		const file = path.join(home, '..', 'babybot-tui.service');
		fs.writeFileSync(file, unit);
		execFileSync('systemd-analyze', ['verify', file], {encoding: 'utf8', stdio: 'pipe'});
		expect(unitValues(unit, 'Restart')).toEqual(['on-failure']);
		expect(unitValues(unit, 'StandardOutput')).toEqual([`append:${path.join(home, 'logs', 'service.log')}`]);
		const argv = systemdWords(unitValues(unit, 'ExecStart')[0]);
		expect(argv.slice(0, 2)).toEqual([fs.realpathSync(path.join(projectRoot, 'node_modules', 'node', 'bin', 'node')), path.join(projectRoot, 'bin', 'babybot-tui.js')]);
		const unitEnv = Object.fromEntries(unitValues(unit, 'Environment').map((value) => systemdWords(value)[0].split(/=(.*)/s).slice(0, 2)));
		expect(unitEnv.BABYBOT_HOME).toBe(home);
		await startsTheHost(argv, {...unitEnv, XDG_CONFIG_HOME: env.XDG_CONFIG_HOME}, home);
	}, 60_000);

	it('the launchd plist parses, keeps the host alive on failure, logs in the home, and its command line starts the host', async () => {
		const {home, config} = await serviceHome();
		const plist = parsePlist(await dryRun('darwin', config));
		expect(plist).toMatchObject({Label: 'com.babybot.tui', RunAtLoad: true, KeepAlive: {SuccessfulExit: false}, StandardOutPath: path.join(home, 'logs', 'service.log'), WorkingDirectory: home});
		await startsTheHost(plist.ProgramArguments as string[], plist.EnvironmentVariables as NodeJS.ProcessEnv, home);
	}, 60_000);
});

describe('babybot-tui service', () => {
	it('install writes the unit and says what failed when the manager cannot load it; status and uninstall tell the truth', async () => {
		const {env, root} = await serviceHome();
		const unitFile = path.join(root, 'xdg', 'systemd', 'user', 'babybot-tui.service');
		const status = await runCli(['service', 'status'], env);
		expect(status.code).toBe(1);
		expect(status.stdout).toContain('installed  no: run `babybot-tui service install`');
		expect(status.stdout).toContain('answering  no: no host runs for');
		const installed = await runCli(['service', 'install'], env);
		expect(fs.existsSync(unitFile)).toBe(true);
		// No user service manager loads a unit from this private config folder (here systemd is not even
		// PID 1): the one-line error names the command that failed and what to do.
		expect(installed.code).toBe(1);
		expect(installed.stderr).toMatch(/^babybot-tui service: `systemctl --user (daemon-reload|enable --now babybot-tui\.service)` failed \(.*\): the file is written; load it by hand, or run `babybot-tui service uninstall`\n$/);
		const host = startCli(['--headless'], env);
		closing({stop: async () => void (host.kill('SIGTERM'), await new Promise((resolve) => host.once('close', resolve)))});
		await waitFor('the host', () => host.output().includes('host running headless'));
		const after = await runCli(['service', 'status'], env);
		expect(after.stdout).toContain(`installed  yes: ${unitFile}`);
		expect(after.stdout).toContain(`answering  yes: host pid ${host.pid} on`);
		const removed = await runCli(['service', 'uninstall'], env);
		expect(removed.stdout).toContain(`removed ${unitFile}`);
		expect(fs.existsSync(unitFile)).toBe(false);
	}, 60_000);

	it('logs prints the service log, the host lines readable; -f follows new lines', async () => {
		const {home, env} = await serviceHome();
		const file = path.join(home, 'logs', 'service.log');
		fs.mkdirSync(path.dirname(file), {recursive: true});
		fs.writeFileSync(file, `${JSON.stringify({level: 30, time: Date.UTC(2026, 0, 2, 3, 4, 5), msg: 'host started', runtime: 'none'})}\nError: a plain crash line\n`);
		const printed = await runCli(['service', 'logs'], env);
		expect(printed).toMatchObject({code: 0, stdout: '2026-01-02T03:04:05.000Z info  host started runtime=none\nError: a plain crash line\n'});
		const follow = startCli(['service', 'logs', '-f', '-n', '1'], env);
		closing({stop: async () => void (follow.kill('SIGTERM'), await new Promise((resolve) => follow.once('close', resolve)))});
		await waitFor('the last line', () => follow.output().includes('a plain crash line'));
		expect(follow.output()).not.toContain('host started');
		fs.appendFileSync(file, `${JSON.stringify({level: 40, time: 0, msg: 'a new warning'})}\n`);
		await waitFor('the followed line', () => follow.output().includes('warn  a new warning'));
	});

	it.each([
		['{"level":50,"time":0,"msg":"boom","err":"x"}', '1970-01-01T00:00:00.000Z error boom err=x'],
		['not json', 'not json'],
		['{"no":"msg"}', '{"no":"msg"}'],
	])('formats %s', (line, shown) => {
		expect(formatLogLine(line)).toBe(shown);
	});
});

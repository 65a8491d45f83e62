// The service manager of this platform: where the file goes and how it is loaded, unloaded and asked.
import {execFile} from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import {launchdLabel, launchdPlist, systemdUnit, systemdUnitName, type ServiceSpec} from './service-files.js';

export interface ServiceManager {
	/** `systemd` or `launchd`. */
	kind: string;
	file: string;
	render(spec: ServiceSpec): string;
	/** The commands that load the written file and start the service, then those that stop and unload it. */
	loadCommands(): string[][];
	unloadCommands(): string[][];
	/** Whether the manager has it loaded and running, in its own words. */
	loaded(): Promise<{loaded: boolean; detail: string}>;
}

export function run(argv: string[]): Promise<{ok: boolean; output: string}> {
	return new Promise((resolve) => {
		execFile(argv[0], argv.slice(1), {timeout: 30_000}, (error, stdout, stderr) => resolve({ok: !error, output: `${stdout}${stderr}`.trim() || (error?.message ?? '')}));
	});
}

function systemd(env: NodeJS.ProcessEnv): ServiceManager {
	const configHome = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
	const systemctl = (...args: string[]) => ['systemctl', '--user', ...args];
	return {
		kind: 'systemd',
		file: path.join(configHome, 'systemd', 'user', systemdUnitName),
		render: systemdUnit,
		loadCommands: () => [systemctl('daemon-reload'), systemctl('enable', '--now', systemdUnitName)],
		unloadCommands: () => [systemctl('disable', '--now', systemdUnitName), systemctl('daemon-reload')],
		async loaded() {
			const {output} = await run(systemctl('is-active', systemdUnitName));
			return {loaded: output === 'active', detail: `systemctl --user is-active: ${output || 'no answer'}`};
		},
	};
}

function launchd(): ServiceManager {
	const domain = `gui/${process.getuid?.() ?? 0}`;
	const file = path.join(os.homedir(), 'Library', 'LaunchAgents', `${launchdLabel}.plist`);
	return {
		kind: 'launchd',
		file,
		render: launchdPlist,
		loadCommands: () => [['launchctl', 'bootstrap', domain, file]],
		unloadCommands: () => [['launchctl', 'bootout', `${domain}/${launchdLabel}`]],
		async loaded() {
			const {ok, output} = await run(['launchctl', 'print', `${domain}/${launchdLabel}`]);
			const state = /state = (\w+)/.exec(output)?.[1];
			return {loaded: ok, detail: ok ? `launchctl: ${state ?? 'loaded'}` : 'launchctl: not loaded'};
		},
	};
}

/** launchd on macOS, systemd (user units) elsewhere. */
export function serviceManager(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): ServiceManager {
	return platform === 'darwin' ? launchd() : systemd(env);
}

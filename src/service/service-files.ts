// What `service install` writes: a systemd user unit (Linux) or a launchd LaunchAgent (macOS) that
// runs `babybot-tui --headless` for one home with the pinned Node, restarted on failure. Pure text.
import path from 'node:path';
import {projectRoot} from '../config.js';

export const binPath = path.join(projectRoot, 'bin', 'babybot-tui.js');
export const systemdUnitName = 'babybot-tui.service';
export const launchdLabel = 'com.babybot.tui';

export interface ServiceSpec {
	/** The Node binary that runs the host (the package's pinned one). */
	node: string;
	bin: string;
	home: string;
	/** Where the service's stdout and stderr go. */
	logFile: string;
	/** PATH for the host (the runtime CLIs: docker, podman, container). */
	pathEnv: string;
}

/** The host's command line, as both files run it. */
export function serviceArgv(spec: ServiceSpec): string[] {
	return [spec.node, spec.bin, '--headless', '--home', spec.home];
}

/** One word of a systemd command line or assignment: quoted, with `\`, `"` and `%` escaped. */
function systemdWord(word: string): string {
	return `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%')}"`;
}

export function systemdUnit(spec: ServiceSpec): string {
	return `[Unit]
Description=BabyBot assistant host for ${spec.home.replace(/%/g, '%%')}

[Service]
Type=simple
ExecStart=${serviceArgv(spec).map(systemdWord).join(' ')}
Environment=${systemdWord(`BABYBOT_HOME=${spec.home}`)}
Environment=${systemdWord(`PATH=${spec.pathEnv}`)}
WorkingDirectory=${spec.home.replace(/%/g, '%%')}
StandardOutput=append:${spec.logFile.replace(/%/g, '%%')}
StandardError=append:${spec.logFile.replace(/%/g, '%%')}
Restart=on-failure
RestartSec=5
KillSignal=SIGTERM
TimeoutStopSec=30

[Install]
WantedBy=default.target
`;
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function launchdPlist(spec: ServiceSpec): string {
	const strings = (values: string[]) => values.map((value) => `\t\t<string>${xml(value)}</string>`).join('\n');
	return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>${launchdLabel}</string>
	<key>ProgramArguments</key>
	<array>
${strings(serviceArgv(spec))}
	</array>
	<key>EnvironmentVariables</key>
	<dict>
		<key>BABYBOT_HOME</key>
		<string>${xml(spec.home)}</string>
		<key>PATH</key>
		<string>${xml(spec.pathEnv)}</string>
	</dict>
	<key>WorkingDirectory</key>
	<string>${xml(spec.home)}</string>
	<key>RunAtLoad</key>
	<true/>
	<key>KeepAlive</key>
	<dict>
		<key>SuccessfulExit</key>
		<false/>
	</dict>
	<key>ThrottleInterval</key>
	<integer>5</integer>
	<key>StandardOutPath</key>
	<string>${xml(spec.logFile)}</string>
	<key>StandardErrorPath</key>
	<string>${xml(spec.logFile)}</string>
	<key>ProcessType</key>
	<string>Background</string>
</dict>
</plist>
`;
}

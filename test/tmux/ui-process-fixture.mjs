// A UI process for the terminal-restore tests: the built runTui over a minimal in-memory host, so a
// test can make the process crash (an uncaught exception) or its host hang on stop, which the real
// host never does on purpose. FIXTURE_MODE=crash: `p` then Enter (startPairing) throws from a timer,
// uncaught. FIXTURE_MODE=hang: host.stop() never settles (the run is ended with a signal).
import {HostEmitter} from '../../dist/src/api/host-emitter.js';
import {LogStore} from '../../dist/src/log-store.js';
import {inProcessSession, runTui} from '../../dist/src/ui/run-tui.js';

const mode = process.env.FIXTURE_MODE ?? 'crash';
const snapshot = {
	assistantName: 'Baby',
	groups: [{jid: 'local:main', name: 'Main', folder: 'main', trigger: '@Baby', requiresTrigger: false, isMain: true, addedAt: new Date().toISOString(), extraMounts: [], network: false}],
	chats: [],
	runs: [],
	tasks: [],
	mounts: {allowlistPath: '/nonexistent/allowlist.json', allowlistError: null, allowedRoots: [], blockedPatterns: ['.ssh'], nonMainReadOnly: true, requests: []},
	web: {allowedHosts: [], internalHosts: [], requests: []},
	skills: [],
	whatsapp: {status: 'off'},
	ollama: {reachable: true, model: 'qwen3:8b', modelPresent: true, toolsSupported: true},
	runtime: {name: 'none', sandboxed: false},
	sandboxChecks: {},
	limits: {idleTimeoutMs: 60_000, hardTimeoutMs: 600_000},
};
const done = async () => {};
const host = {
	events: new HostEmitter(),
	logs: new LogStore(),
	snapshot: () => structuredClone(snapshot),
	sendLocalMessage: async () => ({seq: 1}),
	killRun: done,
	registerGroup: async () => snapshot.groups[0],
	unregisterGroup: async () => snapshot.groups[0],
	approveMount: done,
	rejectMount: done,
	allowMountRoot: async () => ({added: true, allowlistPath: snapshot.mounts.allowlistPath}),
	revokeMountRoot: async () => ({removed: 1, allowlistPath: snapshot.mounts.allowlistPath}),
	runOutput: async () => undefined,
	approveHost: done,
	rejectHost: done,
	pauseTask: done,
	resumeTask: done,
	runTaskNow: done,
	deleteTask: done,
	triggerSkill: done,
	skillText: async () => '',
	startPairing: async () => {
		setTimeout(() => {
			throw new Error('boom from the UI process');
		});
	},
	stop: () => (mode === 'hang' ? new Promise(() => {}) : Promise.resolve()),
};
const code = await runTui(inProcessSession(host), {stopTimeoutMs: Number(process.env.FIXTURE_STOP_TIMEOUT_MS ?? 20_000)});
process.exit(code);

// The host's state and services before anything runs: the lock, the log, the store, the home's
// folders; the allowlist and its approvals, the skills, web access and the bridge to Ollama.
import path from 'node:path';
import {isoNow, type HostClock} from '../clock.js';
import type {Config} from '../config.js';
import {createLlmBridge} from '../llm/create-bridge.js';
import type {LlmBridge} from '../llm-bridge.js';
import {createLogger, type Logger} from '../logger.js';
import type {LogStore} from '../log-store.js';
import {MountAllowlist} from '../mounts/allowlist.js';
import {MountApprovals} from '../mounts/mount-requests.js';
import {hostStatePaths} from '../mounts/mount-security.js';
import {homePaths} from '../paths.js';
import {SkillLibrary} from '../skills/skill-sync.js';
import {openDb, type Db} from '../store/db.js';
import {GroupStore} from '../store/groups.js';
import {MessageStore} from '../store/messages.js';
import {MountRequestStore} from '../store/mount-requests.js';
import {RunStore} from '../store/runs.js';
import {WebRequestStore} from '../store/web-requests.js';
import {WebFetcher, type FetcherOptions} from '../web/fetcher.js';
import {WebAccess} from '../web/web-access.js';
import type {HostEmitter} from '../api/host-emitter.js';
import type {HostSnapshot} from '../api/host-api.js';
import type {SandboxLauncher} from '../runtimes/runtime.js';
import type {Delivery} from './delivery.js';
import type {GroupSandboxDeps} from './group-sandbox.js';
import {prepareHome} from './home-setup.js';
import {acquireHostLock} from './lock.js';
import {installLabelFor, type HostPaths} from './sandbox-spec.js';
import {SandboxVerdicts} from './sandbox-verdicts.js';

export interface HostState {
	paths: HostPaths;
	logger: Logger;
	logs: LogStore;
	db: Db;
	messages: MessageStore;
	groups: GroupStore;
	runs: RunStore;
	/** Flushes the log, closes the store and releases the lock. */
	close(): void;
}

/** Takes the home's lock, opens the log and the store, prepares the home; runs left open by a crash are closed. */
export function openHostState(options: {config: Config; logStore?: LogStore; logToStderr?: boolean}, clock: HostClock): HostState {
	const {config} = options;
	const paths: HostPaths = {...homePaths(config.home), syncedSkillsDir: path.join(config.home, 'skills-synced')};
	const releaseLock = acquireHostLock(paths.lockFile);
	const {logger, store: logs, flush} = createLogger({
		logsDir: paths.logsDir,
		level: config.logLevel,
		store: options.logStore,
		stderr: options.logToStderr,
		// A service manager (or the UI, for a host it hands to the background) appends the headless host's output to these.
		rotation: {maxBytes: config.logMaxBytes, maxFiles: config.logMaxFiles, companions: [paths.serviceLogFile, paths.backgroundLogFile]},
		clock,
	});
	const db = openDb(paths.dbFile);
	const groups = new GroupStore(db);
	const runs = new RunStore(db);
	prepareHome(config, paths, groups);
	runs.closeStale(isoNow(clock));
	return {
		paths,
		logger,
		logs,
		db,
		messages: new MessageStore(db),
		groups,
		runs,
		close() {
			flush();
			db.close();
			releaseLock();
		},
	};
}

export interface HostServices {
	allowlist: MountAllowlist;
	approvals: MountApprovals;
	skills: SkillLibrary;
	web: WebAccess;
	llm: LlmBridge;
	/** What a group's sandbox is built from (a run's and the sandbox check's). */
	sandbox: GroupSandboxDeps;
	/** The background sandbox check of every group, when asked for. */
	verdicts?: SandboxVerdicts;
	/** Watches the allowlist and the skill folders. */
	start(): void;
	close(): Promise<void>;
}

export interface ServicesInput {
	config: Config;
	launcher: SandboxLauncher;
	checkSandboxes?: boolean;
	state: HostState;
	events: HostEmitter;
	delivery: Delivery;
	changed(part: keyof HostSnapshot): void;
	/** web_fetch's test seams. */
	web?: FetcherOptions;
}

export function createServices({config, launcher, checkSandboxes, state, events, delivery, changed, web: fetcherOptions}: ServicesInput): HostServices {
	const {paths, logger, db, groups} = state;
	const allowlist = new MountAllowlist({file: config.mountAllowlistPath});
	const approvals = new MountApprovals({store: new MountRequestStore(db), allowlist, logger, protectedPaths: hostStatePaths(config), onChange: () => changed('mounts')});
	const skills = new SkillLibrary({
		builtinDir: path.join(config.projectRoot, 'skills'),
		userDir: paths.skillsDir,
		syncedDir: paths.syncedSkillsDir,
		logger,
		onChange: () => changed('skills'),
	});
	const web = new WebAccess({
		allowlist,
		store: new WebRequestStore(db),
		fetcher: new WebFetcher(fetcherOptions),
		logger,
		notify: (chatJid, text) => delivery.deliverLogged(chatJid, text, 'a web request notice'),
		onChange: () => changed('web'),
	});
	const llm = createLlmBridge(config, {onRequest: () => changed('ollama')});
	const sandbox: GroupSandboxDeps = {config, paths, installLabel: installLabelFor(config.home), launcher, extraMounts: (group) => approvals.resolveGroupMounts(group)};
	const verdicts = checkSandboxes
		? new SandboxVerdicts({
				deps: sandbox,
				groups: () => groups.all(),
				logger,
				onChange: () => changed('sandboxChecks'),
				onFailed: (folder, reason) => events.emit('notice', {level: 'error', text: `${folder}: sandbox check FAILED: ${reason}`}),
			})
		: undefined;
	return {
		allowlist,
		approvals,
		skills,
		web,
		llm,
		sandbox,
		verdicts,
		start() {
			allowlist.startWatching();
			skills.start();
		},
		async close() {
			await skills.close();
			approvals.close();
			web.close();
			allowlist.close();
		},
	};
}

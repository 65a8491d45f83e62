// An in-memory HostApi for UI tests: a snapshot to mutate, real typed events, recorded action calls and
// a real LogStore. It holds no host logic: actions only record their calls (and may be told to fail).
import {HostEmitter} from '../../src/api/host-emitter.js';
import type {GroupRegistration, HostActions, HostApi, HostEventMap, HostEventName, HostSnapshot, RunOutputView, TaskView} from '../../src/api/host-api.js';
import {LogStore} from '../../src/log-store.js';
import type {MemoryDetailsView} from '../../src/api/memory-views.js';
import type {ContainerRun, MisfirePolicy, RegisteredGroup, ScheduledTask} from '../../src/api/types.js';

export type ActionCall = {[K in keyof HostActions]: {name: K; args: Parameters<HostActions[K]>}}[keyof HostActions];

export function group(overrides: Partial<RegisteredGroup> = {}): RegisteredGroup {
	return {
		jid: 'local:main',
		name: 'Main',
		folder: 'main',
		trigger: '@Baby',
		requiresTrigger: false,
		isMain: true,
		addedAt: '2026-01-01T00:00:00.000Z',
		extraMounts: [],
		network: false,
		...overrides,
	};
}

export function run(overrides: Partial<ContainerRun> = {}): ContainerRun {
	return {
		id: 'run-1',
		groupFolder: 'main',
		runtime: 'none',
		containerName: 'babybot-main-1',
		startedAt: new Date().toISOString(),
		lastOutputAt: new Date().toISOString(),
		endedAt: null,
		state: 'running',
		endReason: null,
		error: null,
		argv: ['node', 'agent-runner.js'],
		mounts: [{hostPath: '/home/me/.babybot/groups/main', containerPath: '/workspace/group', readonly: false}],
		...overrides,
	};
}

export function task(overrides: Partial<TaskView> = {}): TaskView {
	return {
		id: 'task-1',
		groupFolder: 'main',
		chatJid: 'local:main',
		prompt: 'water the plants',
		scheduleType: 'cron',
		scheduleValue: '0 9 * * *',
		contextMode: 'group',
		misfire: 'once',
		nextRun: new Date(Date.now() + 3_600_000).toISOString(),
		lastRun: null,
		lastResult: null,
		status: 'active',
		createdAt: '2026-01-01T00:00:00.000Z',
		upcoming: [],
		...overrides,
	};
}

export function baseSnapshot(): HostSnapshot {
	return {
		assistantName: 'Baby',
		groups: [group()],
		chats: [],
		runs: [],
		subagents: [],
		tasks: [],
		mounts: {allowlistPath: '/tmp/allowlist.json', allowlistError: null, allowedRoots: [], blockedPatterns: ['.ssh', '.gnupg'], nonMainReadOnly: true, requests: []},
		web: {allowedHosts: [], internalHosts: [], requests: []},
		skills: [],
		whatsapp: {status: 'off'},
		ollama: {reachable: true, model: 'qwen3:8b', modelPresent: true, toolsSupported: true},
		runtime: {name: 'docker', sandboxed: true},
		sandboxChecks: {},
		limits: {idleTimeoutMs: 30 * 60_000, hardTimeoutMs: 60 * 60_000},
		timezone: 'UTC',
	};
}

export class FakeHost implements HostApi {
	readonly events = new HostEmitter();
	readonly logs = new LogStore();
	readonly calls: ActionCall[] = [];
	/** Actions named here reject with this message. */
	readonly failures = new Map<keyof HostActions, string>();
	skillTexts = new Map<string, string>();
	/** What `runOutput` answers, by run id. */
	runOutputs = new Map<string, RunOutputView>();
	stopped = false;

	constructor(public state: HostSnapshot = baseSnapshot()) {}

	snapshot(): HostSnapshot {
		return structuredClone(this.state);
	}

	async runOutput(runId: string): Promise<RunOutputView | undefined> {
		await this.record('runOutput', [runId]);
		return this.runOutputs.get(runId);
	}

	/** Changes the snapshot and emits `change` for `part`. */
	update<K extends keyof HostSnapshot>(part: K, value: HostSnapshot[K]): void {
		this.state = {...this.state, [part]: value};
		this.events.emit('change', {part});
	}

	emit<K extends HostEventName>(event: K, payload: HostEventMap[K]): void {
		this.events.emit(event, payload);
	}

	callsOf<K extends keyof HostActions>(name: K): Parameters<HostActions[K]>[] {
		return this.calls.filter((call) => call.name === name).map((call) => call.args as Parameters<HostActions[K]>);
	}

	private async record<K extends keyof HostActions>(name: K, args: Parameters<HostActions[K]>): Promise<void> {
		this.calls.push({name, args} as ActionCall);
		const failure = this.failures.get(name);
		if (failure) throw new Error(failure);
	}

	sendLocalMessage = (groupFolder: string, text: string) => this.record('sendLocalMessage', [groupFolder, text]).then(() => ({seq: 1}));
	killRun = (runId: string) => this.record('killRun', [runId]);
	killSubagent = (runId: string, subagentId: string) => this.record('killSubagent', [runId, subagentId]);
	async registerGroup(input: GroupRegistration): Promise<RegisteredGroup> {
		await this.record('registerGroup', [input]);
		return group({...input, isMain: false});
	}
	unregisterGroup = (jidOrFolder: string) => this.record('unregisterGroup', [jidOrFolder]).then(() => group({folder: jidOrFolder, isMain: false}));
	approveMount = (requestId: number, mode: 'ro' | 'rw', scope?: 'group' | 'all') => this.record('approveMount', [requestId, mode, scope]);
	rejectMount = (requestId: number) => this.record('rejectMount', [requestId]);
	allowMountRoot = (hostPath: string, readWrite: boolean, scope?: {group?: string; autoApprove?: boolean}) =>
		this.record('allowMountRoot', [hostPath, readWrite, scope]).then(() => ({added: true, allowlistPath: this.state.mounts.allowlistPath}));
	revokeMountRoot = (hostPath: string) => this.record('revokeMountRoot', [hostPath]).then(() => ({removed: 1, allowlistPath: this.state.mounts.allowlistPath}));
	approveHost = (requestId: number, scope: 'once' | 'group' | 'all') => this.record('approveHost', [requestId, scope]);
	rejectHost = (requestId: number) => this.record('rejectHost', [requestId]);
	pauseTask = (taskId: string) => this.record('pauseTask', [taskId]);
	resumeTask = (taskId: string) => this.record('resumeTask', [taskId]);
	runTaskNow = (taskId: string) => this.record('runTaskNow', [taskId]);
	deleteTask = (taskId: string) => this.record('deleteTask', [taskId]);
	setTaskMisfire = (taskId: string, misfire: MisfirePolicy) => this.record('setTaskMisfire', [taskId, misfire]);
	triggerSkill = (groupFolder: string, name: string, args: string) => this.record('triggerSkill', [groupFolder, name, args]);
	async skillText(name: string): Promise<string> {
		await this.record('skillText', [name]);
		const text = this.skillTexts.get(name);
		if (text === undefined) throw new Error(`no skill "${name}"`);
		return text;
	}
	/** What `memoryDetails` answers, by group folder. */
	memory = new Map<string, MemoryDetailsView>();
	async memoryDetails(groupFolder: string): Promise<MemoryDetailsView> {
		await this.record('memoryDetails', [groupFolder]);
		return this.memory.get(groupFolder) ?? {groupFolder, files: []};
	}
	restoreMemory = (groupFolder: string, file: 'group' | 'global', versionId: string) => this.record('restoreMemory', [groupFolder, file, versionId]);
	startPairing = (options: {phone?: string}) => this.record('startPairing', [options]);
	async stop(): Promise<void> {
		await this.record('stop', []);
		this.stopped = true;
	}
}

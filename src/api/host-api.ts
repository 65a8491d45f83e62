// The one host API: snapshots, events and actions. The host implements it, the UI and the CLI use it,
// in-process or attached over the control socket alike; nothing here does I/O.
import type {ContextInUse, RunLlmSummary} from '../llm/llm-stats.js';
import type {ModelQueueView} from '../llm/model-queue.js';
import type {LogStore} from '../log-store.js';
import type {MemoryDetailsView} from './memory-views.js';
import type {SubagentView} from '../runner/subagents.js';
import type {ChatInfo, ContainerRun, ExtraMountSpec, MisfirePolicy, OciEngine, RegisteredGroup, RuntimeName, ScheduledTask, StoredMessage} from './types.js';

export type WhatsAppState =
	| {status: 'off'}
	/** WhatsApp runs in this mode but no phone is paired yet. */
	| {status: 'not-paired'}
	| {status: 'connecting'}
	| {status: 'pairing'; qr?: string; qrExpiresAt?: number; pairingCode?: string}
	| {status: 'paired'; user?: string}
	| {status: 'logged-out'; reason: string}
	| {status: 'stopped'; reason: string; cause?: WhatsAppStopCause}
	| {status: 'reconnecting'; attempt: number; inMs: number};

/** Why WhatsApp stopped trying (the status bar's short label); the `reason` says it in full. */
export type WhatsAppStopCause = 'replaced' | 'forbidden' | 'pairing-timed-out' | 'pairing-code-failed';

export interface OllamaState {
	reachable: boolean;
	model: string;
	modelPresent: boolean | null;
	toolsSupported: boolean | null;
	version?: string;
	error?: string;
	/** The context the host uses for the model (num_ctx, the latest prompt, a warning when too small). */
	context?: ContextInUse;
	/** The host's queue of model requests: how many run and who waits. */
	queue?: ModelQueueView;
}

export type {ModelQueueView, SubagentView};

export interface RuntimeInfo {
	name: RuntimeName;
	/** The engine under gVisor (docker or podman). */
	engine?: OciEngine;
	sandboxed: boolean;
	/** Set when the image is older than the agent-runner it should contain. */
	imageStale?: string;
}

/** A group's sandbox check, run once per runtime and image (and by hand with `babybot-tui sandbox check`). */
export interface SandboxVerdictView {
	state: 'checking' | 'ok' | 'failed' | 'unchecked';
	/** The check's lines (`ok …`, `FAIL …`, `n/a …`) once it ran. */
	lines: string[];
	/** The first failed line, or why the check was not run. */
	reason?: string;
	checkedAt?: string;
}

export interface AllowedRootView {
	path: string;
	allowReadWrite: boolean;
	description?: string;
	/** Only these groups; absent: every group. */
	groups?: string[];
	/** Agents' requests under it are granted without the operator. */
	autoApprove?: boolean;
}

export type MountRequestStatus = 'pending' | 'approved' | 'rejected';
export type MountRequestSource = 'config' | 'ipc';

export interface MountRequestView {
	id: number;
	groupFolder: string;
	hostPath: string;
	/** Where hostPath resolved when it was asked: what the operator is shown and what an approval binds to. */
	realPath: string | null;
	containerPath: string | null;
	readonly: boolean;
	source: MountRequestSource;
	reason: string | null;
	status: MountRequestStatus;
	createdAt: string;
}

export interface MountsView {
	allowlistPath: string;
	/** Why the allowlist cannot be used (missing or malformed), or null. */
	allowlistError: string | null;
	allowedRoots: AllowedRootView[];
	blockedPatterns: string[];
	nonMainReadOnly: boolean;
	requests: MountRequestView[];
}

export interface AllowedHostView {
	/** An exact host or `*.domain`. */
	host: string;
	/** Absent: every group. */
	group?: string;
	http: boolean;
	internal: boolean;
	description?: string;
}

export interface WebRequestView {
	id: number;
	groupFolder: string;
	url: string;
	host: string;
	/** Why it waits (or waited) for the operator. */
	reason: string;
	status: 'pending' | 'approved' | 'rejected';
	scope: 'once' | 'group' | 'all' | 'allowlist' | null;
	createdAt: string;
	decidedAt: string | null;
	decidedBy: string | null;
}

/** web_fetch: the hosts of the allowlist (its file and errors are in MountsView) and the requests. */
export interface WebAccessView {
	allowedHosts: AllowedHostView[];
	/** Exact hosts that may resolve to loopback, private or link-local addresses. */
	internalHosts: string[];
	/** Pending first, then recent decisions. */
	requests: WebRequestView[];
}

export interface SkillView {
	name: string;
	description: string;
	source: 'builtin' | 'user';
	dir: string;
	/** Why the skill cannot be used, or undefined. */
	broken?: string;
}

/** A task as the UI shows it: with its next run times, so a schedule can be checked before it fires. */
export interface TaskView extends ScheduledTask {
	/** The next three run times (ISO); empty once completed. */
	upcoming: string[];
}

export interface HostSnapshot {
	assistantName: string;
	groups: RegisteredGroup[];
	/** Chats seen (including unregistered ones). */
	chats: ChatInfo[];
	/** Live runs first, then recent ended ones. */
	runs: ContainerRun[];
	/** The sub-agents of recent runs (shown under their run), in the order they started. */
	subagents: SubagentView[];
	tasks: TaskView[];
	mounts: MountsView;
	web: WebAccessView;
	skills: SkillView[];
	whatsapp: WhatsAppState;
	ollama: OllamaState;
	runtime: RuntimeInfo;
	/** Per group folder: its sandbox check (absent until the host checks it). */
	sandboxChecks: Record<string, SandboxVerdictView>;
	limits: {idleTimeoutMs: number; hardTimeoutMs: number};
	/** The time zone schedules are read in (TZ). */
	timezone: string;
	/** The operator's own WhatsApp chat, which counts as input to main (once WhatsApp is connected). */
	selfChatJid?: string;
}

/** Events the host emits; every payload is plain data. */
export interface HostEventMap {
	/** Something in the snapshot changed; `part` says which (UIs may refetch only that). */
	change: {part: keyof HostSnapshot};
	/** A message stored (inbound or the assistant's outbound). */
	message: {message: StoredMessage; groupFolder?: string};
	/** Streaming text of an answer in progress. */
	delta: {groupFolder: string; chatJid: string; text: string};
	/** An answer sent to a chat; `throughSeq`: the last message sequence of the turn it answers (absent for other messages). */
	reply: {groupFolder: string; chatJid: string; text: string; error?: boolean; throughSeq?: number};
	/** A run finished processing a batch (ok or not). */
	turn: {groupFolder: string; chatJid: string; ok: boolean; error?: string; throughSeq?: number};
	/** A short status for the status bar. */
	notice: {level: 'info' | 'warn' | 'error'; text: string};
	/** The host is stopping (every UI attached to it, and the one it runs in, leaves). */
	stopping: {reason: string};
}

export type HostEventName = keyof HostEventMap;

export interface HostEvents {
	on<K extends HostEventName>(event: K, listener: (payload: HostEventMap[K]) => void): () => void;
}

/** What a group is registered with; the operator alone sets its mounts and network. */
export interface GroupRegistration {
	jid: string;
	name: string;
	folder: string;
	requiresTrigger: boolean;
	extraMounts?: ExtraMountSpec[];
	network?: boolean;
}

/**
 * Everything a client asks of the host: the operator's actions and the reads that are not in the
 * snapshot. Each is served over the control socket by its name (see `hostActionNames`), so a new
 * one here needs one line there and no transport code.
 */
export interface HostActions {
	/** Sends text as the local operator to a group's local chat; resolves with its store sequence. */
	sendLocalMessage(groupFolder: string, text: string): Promise<{seq: number}>;
	killRun(runId: string): Promise<void>;
	/** Stops one sub-agent of a live run; the run and its other sub-agents carry on. */
	killSubagent(runId: string, subagentId: string): Promise<void>;
	registerGroup(input: GroupRegistration): Promise<RegisteredGroup>;
	unregisterGroup(jidOrFolder: string): Promise<RegisteredGroup>;
	/** Allows the request's real path for its group, or with scope `all` for every group. */
	approveMount(requestId: number, mode: 'ro' | 'rw', scope?: 'group' | 'all'): Promise<void>;
	rejectMount(requestId: number): Promise<void>;
	/**
	 * Adds (or changes) an allowed root of the mount allowlist: an absolute, existing folder; for one
	 * group only with `group`, and with `autoApprove` agents' requests under it need no approval.
	 */
	allowMountRoot(hostPath: string, readWrite: boolean, scope?: {group?: string; autoApprove?: boolean}): Promise<{added: boolean; allowlistPath: string}>;
	/** Removes every allowed root that is this folder; throws when none is. */
	revokeMountRoot(hostPath: string): Promise<{removed: number; allowlistPath: string}>;
	/** Allows a waiting web request: one fetch, its host for the request's group, or for all groups. */
	approveHost(requestId: number, scope: 'once' | 'group' | 'all'): Promise<void>;
	rejectHost(requestId: number): Promise<void>;
	pauseTask(taskId: string): Promise<void>;
	resumeTask(taskId: string): Promise<void>;
	runTaskNow(taskId: string): Promise<void>;
	deleteTask(taskId: string): Promise<void>;
	/** What the task does about runs missed while the host was down. */
	setTaskMisfire(taskId: string, misfire: MisfirePolicy): Promise<void>;
	/** Sends `/name args` as an operator message to the group. */
	triggerSkill(groupFolder: string, name: string, args: string): Promise<void>;
	skillText(name: string): Promise<string>;
	/** A group's memory files (main: also the global one): size, budget, the versions kept, the newest one's diff. */
	memoryDetails(groupFolder: string): Promise<MemoryDetailsView>;
	/** Puts a kept version back as the memory file (`global`: main only); what it replaces is kept as a version. */
	restoreMemory(groupFolder: string, file: 'group' | 'global', versionId: string): Promise<void>;
	/** Recent output and stderr tail of one of the host's recent runs (undefined once forgotten). */
	runOutput(runId: string): Promise<RunOutputView | undefined>;
	startPairing(options: {phone?: string}): Promise<void>;
	/** Closes every run and channel; resolves when nothing is left running. */
	stop(): Promise<void>;
}

/** A run's recent agent output and the sandbox's stderr tail (bounded), for the details view. */
export interface RunOutputView {
	output: string[];
	stderr: string[];
	/** The run's model requests: what they cost (tokens evaluated and cached, speed, load time). */
	llm?: RunLlmSummary;
	/** The model's thinking during the run (kept here only, never sent to a chat). */
	thinking?: string[];
	/** Each sub-agent's transcript lines, by its id. */
	subagents?: Record<string, string[]>;
}

/** The host as the UI and the CLI see it, in-process or attached over the control socket. */
export interface HostApi extends HostActions {
	snapshot(): HostSnapshot;
	events: HostEvents;
	/** The host's log lines (attached: the tail the client asked for, then every new line). */
	logs: LogStore;
}

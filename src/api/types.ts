// Domain types of the host API, shared by the host, the UI and clients. Nothing here does I/O.

export type RuntimeName = 'apple-container' | 'docker' | 'podman' | 'gvisor' | 'none';
/** The Docker-compatible engines; gVisor runs on one of them (`--runtime runsc`). */
export type OciEngine = 'docker' | 'podman';
export type RuntimeSetting = 'auto' | RuntimeName;

export interface ExtraMountSpec {
	hostPath: string;
	containerPath?: string;
	readonly?: boolean;
}

export interface RegisteredGroup {
	jid: string;
	name: string;
	folder: string;
	/** The trigger word with its `@`, e.g. `@Baby`. */
	trigger: string;
	requiresTrigger: boolean;
	isMain: boolean;
	addedAt: string;
	extraMounts: ExtraMountSpec[];
	/** Network for this group's sandbox: only the operator sets it. */
	network: boolean;
}

export interface ChatInfo {
	jid: string;
	name: string;
	channel: string;
	lastMessageAt: string | null;
	isGroup: boolean;
}

export interface InboundMessage {
	id: string;
	chatJid: string;
	sender: string;
	senderName: string;
	content: string;
	/** ISO 8601. */
	timestamp: string;
	fromMe: boolean;
	/** Sent by this assistant (an echo); never answered. */
	isBotMessage: boolean;
}

export interface StoredMessage extends InboundMessage {
	/** Monotonic store sequence; router cursors point at it. */
	seq: number;
}

export type ScheduleType = 'cron' | 'interval' | 'once';
export type ContextMode = 'group' | 'isolated';
export type TaskStatus = 'active' | 'paused' | 'completed';
/** What a task does about occurrences missed while the host was down: run each, run once, or none. */
export type MisfirePolicy = 'catch-up' | 'once' | 'skip';

export interface ScheduledTask {
	id: string;
	groupFolder: string;
	chatJid: string;
	prompt: string;
	scheduleType: ScheduleType;
	scheduleValue: string;
	contextMode: ContextMode;
	misfire: MisfirePolicy;
	/** ISO; null when completed. */
	nextRun: string | null;
	lastRun: string | null;
	lastResult: string | null;
	status: TaskStatus;
	createdAt: string;
}

export interface TaskRunLog {
	taskId: string;
	runAt: string;
	durationMs: number;
	status: 'success' | 'error';
	result: string | null;
	error: string | null;
}

export type RunState = 'starting' | 'running' | 'idle' | 'closing' | 'ended';
export type RunEndReason = 'idle' | 'timeout' | 'killed' | 'error' | 'exit' | 'shutdown';

export interface ContainerRun {
	id: string;
	groupFolder: string;
	runtime: RuntimeName;
	containerName: string;
	startedAt: string;
	/** When the turn being worked on began (CONTAINER_TIMEOUT counts from it); null while idle. */
	turnStartedAt?: string | null;
	lastOutputAt: string | null;
	endedAt: string | null;
	state: RunState;
	endReason: RunEndReason | null;
	error: string | null;
	argv: string[];
	mounts: Array<{hostPath: string; containerPath: string; readonly: boolean}>;
}

export interface LogLine {
	seq: number;
	time: number;
	level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
	msg: string;
	/** Extra fields, already rendered as `key=value` text. */
	fields: string;
}

// What the group runner is given: the stores, the launcher, the servers a run's requests go to,
// and where its replies, deltas, turns and run records go.
import type {MemoryUpkeep} from '../../container/agent-runner/src/protocol.js';
import type {ContainerRun, RegisteredGroup, StoredMessage} from '../api/types.js';
import type {HostClock} from '../clock.js';
import type {Config} from '../config.js';
import type {Logger} from '../logger.js';
import type {MemoryServer, WebServer} from '../runner/host-requests.js';
import type {LlmServer} from '../runner/llm-requests.js';
import type {SandboxLauncher} from '../runtimes/runtime.js';
import type {TurnPlan} from '../skills/turn-plan.js';
import type {GroupStore} from '../store/groups.js';
import type {MessageStore} from '../store/messages.js';
import type {RunStore} from '../store/runs.js';
import type {DeliverOptions} from './delivery.js';
import type {HostPaths} from './sandbox-spec.js';

export interface GroupRunnerDeps {
	config: Config;
	paths: HostPaths;
	messages: MessageStore;
	groups: GroupStore;
	runs: RunStore;
	launcher: SandboxLauncher;
	llm: LlmServer;
	/** web_fetch through the host; absent: refused. */
	web?: WebServer;
	/** search_history and read_memory through the host; absent: refused. */
	memory?: MemoryServer;
	/** The memory upkeep of the group's next run (memory files to compact). */
	memoryUpkeep?(group: RegisteredGroup): Promise<MemoryUpkeep | undefined>;
	logger: Logger;
	/** Time for run records and the runs' and the queue's timers; default the system's. */
	clock?: HostClock;
	installLabel: string;
	/**
	 * Sends a reply to a chat (through the outbox). `throughSeq`: the last message of the turn it
	 * answers; unless `provisional`, it is stored as answered (recovery after a crash skips it).
	 */
	deliver(chatJid: string, text: string, options?: DeliverOptions): void;
	/** Extra mounts validated for the group's next run. */
	extraMounts(group: RegisteredGroup): Array<{name: string; hostPath: string; readonly: boolean}>;
	/** Host commands and skill invocations; default: plain prompt. */
	planTurn?(group: RegisteredGroup, messages: StoredMessage[]): TurnPlan;
	setTyping?(chatJid: string, typing: boolean): void;
	/** The operator's WhatsApp self-chat, which counts as input to main. */
	selfChatJid?(): string | undefined;
	onRunUpdate(run: ContainerRun): void;
	/** A sub-agent of a run started, moved on or ended. */
	onSubagent?(): void;
	onDelta(groupFolder: string, chatJid: string, text: string): void;
	onTurn(turn: {groupFolder: string; chatJid: string; ok: boolean; error?: string; throughSeq?: number}): void;
	/** Why the group may not start a run (over its disk quota), or undefined. */
	diskQuotaProblem?(group: RegisteredGroup): Promise<string | undefined>;
	/** A turn or a run of the group ended: its folder is measured again (diskQuotaProblem waits for it). */
	remeasureFolder?(group: RegisteredGroup): void;
}

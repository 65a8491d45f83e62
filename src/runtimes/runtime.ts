import type {WorkspacePaths} from '../../container/agent-runner/src/protocol.js';
import type {OciEngine, RuntimeName} from '../api/types.js';

/** One bind mount of the sandbox, as the mount table of docs/ARCHITECTURE.md lays it out. */
export interface MountPlanEntry {
	hostPath: string;
	containerPath: string;
	readonly: boolean;
}

export interface SandboxSpec {
	runId: string;
	groupFolder: string;
	/** `babybot-<folder>-<time>`, already validated. */
	containerName: string;
	mounts: MountPlanEntry[];
	/** Network for this group, set only by the operator. */
	network: boolean;
	image: string;
	/** Label value naming this install (orphans are found by it). */
	installLabel: string;
	/** Files hidden inside a mounted directory (e.g. the project's `.env`): covered by an empty file. */
	hiddenFiles: string[];
	limits: {memory: string; cpus: string; pids: number};
}

export interface LaunchCommand {
	command: string;
	args: string[];
	/** The complete environment of the child: nothing is inherited. */
	env: Record<string, string>;
	cwd?: string;
	/** The uid/gid the child runs as (the none runtime under a root host). */
	uid?: number;
	gid?: number;
	/** The paths the agent will see, for the start message. */
	paths: WorkspacePaths;
}

/** How one runtime starts, stops and lists sandboxes. Only the launcher differs between runtimes. */
export interface SandboxLauncher {
	readonly name: RuntimeName;
	readonly sandboxed: boolean;
	/** The Docker-compatible engine whose CLI it drives (gVisor's is Docker or Podman); none for the others. */
	readonly engine?: OciEngine;
	buildLaunch(spec: SandboxSpec): LaunchCommand;
	/** Graceful stop (then the caller kills the process if it lingers). */
	stop(containerName: string): Promise<void>;
	/** Containers carrying this install's label, running or not. */
	listInstallContainers(installLabel: string): Promise<string[]>;
	/** Removes the named containers (orphans of an earlier host). */
	remove(containerNames: string[]): Promise<void>;
	/** The host pid of a running sandbox (for reading its cgroup from the host), where the engine tells it. */
	hostPid?(containerName: string): Promise<number | undefined>;
}

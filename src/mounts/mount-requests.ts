// Mount requests (group config and the agent's request_mount) and the operator's decisions.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import type {MountsView} from '../api/host-api.js';
import type {Logger} from '../logger.js';
import type {MountRequestRecord, MountRequestSource, MountRequestStore} from '../store/mount-requests.js';
import type {RegisteredGroup} from '../api/types.js';
import type {MountAllowlist} from './allowlist.js';
import {defaultBlockedPatterns, fixableByApproval, validateMount, type MountVerdict} from './mount-security.js';

export interface MountRequestInput {
	groupFolder: string;
	isMain: boolean;
	hostPath: string;
	containerPath?: string;
	readonly?: boolean;
	source: MountRequestSource;
}

export interface ValidatedMount {
	name: string;
	hostPath: string;
	containerPath: string;
	readonly: boolean;
}

export type MountRequestOutcome =
	| {status: 'allowed'; mount: ValidatedMount; note?: string}
	| {status: 'pending'; id: number; reason: string}
	/** Refused for a reason approval cannot fix (missing folder, blocked secret, bad name, or rejected before). */
	| {status: 'rejected'; reason: string};

export interface MountApprovalsOptions {
	store: MountRequestStore;
	allowlist: MountAllowlist;
	logger: Pick<Logger, 'info' | 'warn'>;
	homeDir?: string;
	now?: () => Date;
	/** Requests or the allowlist changed (the UI refreshes its Mounts pane). */
	onChange?: () => void;
}

const toMount = (verdict: Extract<MountVerdict, {allowed: true}>): ValidatedMount => ({
	name: verdict.name,
	hostPath: verdict.hostPath,
	containerPath: verdict.containerPath,
	readonly: verdict.readonly,
});

export class MountApprovals {
	private readonly homeDir: string;
	private readonly now: () => Date;
	private readonly unsubscribe: () => void;

	constructor(private readonly options: MountApprovalsOptions) {
		this.homeDir = options.homeDir ?? os.homedir();
		this.now = options.now ?? (() => new Date());
		this.unsubscribe = options.allowlist.onChange(() => options.onChange?.());
	}

	close(): void {
		this.unsubscribe();
	}

	validate(input: Pick<MountRequestInput, 'hostPath' | 'containerPath' | 'readonly' | 'isMain'>): MountVerdict {
		return validateMount({
			request: {hostPath: input.hostPath, containerPath: input.containerPath, readonly: input.readonly},
			allowlist: this.options.allowlist.current(),
			isMain: input.isMain,
			homeDir: this.homeDir,
		});
	}

	/** Validates; an allowed mount is used at the next run, one the operator can allow waits as pending. */
	request(input: MountRequestInput): MountRequestOutcome {
		const {store, logger} = this.options;
		const containerPath = input.containerPath ?? null;
		const verdict = this.validate(input);
		const latest = store.latestFor(input.groupFolder, input.hostPath, containerPath);
		if (verdict.allowed) {
			// An agent's request is remembered so that later runs mount it too; config mounts live in the group.
			if (input.source === 'ipc' && latest?.status !== 'approved') {
				const id = this.persist(input, null);
				store.approve(id, 'allowlist', this.now().toISOString());
				this.options.onChange?.();
			}
			return {status: 'allowed', mount: toMount(verdict), ...(verdict.note ? {note: verdict.note} : {})};
		}
		if (!fixableByApproval(verdict.code)) return {status: 'rejected', reason: verdict.reason};
		if (latest?.status === 'pending') {
			if (latest.reason !== verdict.reason) store.setReason(latest.id, verdict.reason);
			return {status: 'pending', id: latest.id, reason: verdict.reason};
		}
		if (latest?.status === 'rejected' && input.source === 'config') {
			return {status: 'rejected', reason: `the operator rejected mounting ${input.hostPath} on ${latest.decidedAt ?? 'an earlier day'}`};
		}
		const id = this.persist(input, verdict.reason);
		logger.info({request: id, group: input.groupFolder, path: input.hostPath, source: input.source, reason: verdict.reason}, 'mount request waits for the operator');
		this.options.onChange?.();
		return {status: 'pending', id, reason: verdict.reason};
	}

	/** Adds the requested folder itself as an allowed root (ro or rw) and marks the request approved. */
	approve(id: number, mode: 'ro' | 'rw', who: string): MountRequestRecord {
		const {store, allowlist, logger} = this.options;
		const request = this.pendingRequest(id);
		const absolute = request.hostPath === '~' ? this.homeDir : request.hostPath.startsWith('~/') ? path.join(this.homeDir, request.hostPath.slice(2)) : request.hostPath;
		let real: string;
		try {
			real = fs.realpathSync(absolute);
		} catch {
			throw new Error(`mount request ${id}: ${request.hostPath} does not exist any more: reject it`);
		}
		// Refuse before writing anything when approval could not make the mount usable.
		const withRoot = validateMount({
			request: {hostPath: real, containerPath: request.containerPath ?? path.basename(absolute), readonly: request.readonly},
			allowlist: {ok: true, allowlist: {allowedRoots: [{path: real, allowReadWrite: mode === 'rw'}], blockedPatterns: this.userPatterns(), nonMainReadOnly: true}},
			isMain: true,
			homeDir: this.homeDir,
		});
		if (!withRoot.allowed) throw new Error(`mount request ${id} cannot be approved: ${withRoot.reason}`);
		allowlist.addAllowedRoot(real, mode === 'rw', `approved for ${request.groupFolder} by ${who}`);
		const at = this.now().toISOString();
		store.approve(id, who, at);
		logger.info({request: id, group: request.groupFolder, path: real, mode, by: who, at}, 'mount approved');
		this.options.onChange?.();
		return store.get(id)!;
	}

	reject(id: number, who: string): MountRequestRecord {
		const request = this.pendingRequest(id);
		const at = this.now().toISOString();
		this.options.store.reject(id, who, at);
		this.options.logger.info({request: id, group: request.groupFolder, path: request.hostPath, by: who, at}, 'mount rejected');
		this.options.onChange?.();
		return this.options.store.get(id)!;
	}

	/** The extra mounts of the group's next run: its configured mounts and its approved requests, validated now. */
	resolveGroupMounts(group: Pick<RegisteredGroup, 'folder' | 'isMain' | 'extraMounts'>): Array<{name: string; hostPath: string; readonly: boolean}> {
		const mounts: ValidatedMount[] = [];
		const add = (mount: ValidatedMount) => {
			const clash = mounts.find((m) => m.name === mount.name);
			if (!clash) mounts.push(mount);
			else if (clash.hostPath !== mount.hostPath) {
				this.options.logger.warn({group: group.folder, name: mount.name, kept: clash.hostPath, dropped: mount.hostPath}, 'two extra mounts want the same name: give one another name');
			}
		};
		for (const spec of group.extraMounts) {
			const outcome = this.request({groupFolder: group.folder, isMain: group.isMain, ...spec, source: 'config'});
			if (outcome.status === 'allowed') add(outcome.mount);
			else if (outcome.status === 'rejected') this.options.logger.warn({group: group.folder, path: spec.hostPath, reason: outcome.reason}, 'configured mount refused');
		}
		for (const approved of this.options.store.approvedFor(group.folder)) {
			if (approved.source !== 'ipc') continue;
			const verdict = this.validate({hostPath: approved.hostPath, containerPath: approved.containerPath ?? undefined, readonly: approved.readonly, isMain: group.isMain});
			if (verdict.allowed) add(toMount(verdict));
			else this.options.logger.warn({group: group.folder, path: approved.hostPath, reason: verdict.reason}, 'approved mount no longer allowed');
		}
		return mounts.map(({name, hostPath, readonly}) => ({name, hostPath, readonly}));
	}

	view(): MountsView {
		const current = this.options.allowlist.current();
		const user = current.ok ? current.allowlist.blockedPatterns : [];
		return {
			allowlistPath: this.options.allowlist.file,
			allowlistError: current.ok ? null : current.error,
			allowedRoots: current.ok ? current.allowlist.allowedRoots.map((root) => ({...root})) : [],
			blockedPatterns: [...new Set([...defaultBlockedPatterns, ...user])],
			nonMainReadOnly: current.ok ? current.allowlist.nonMainReadOnly : true,
			requests: this.options.store.all().map((r) => ({
				id: r.id,
				groupFolder: r.groupFolder,
				hostPath: r.hostPath,
				containerPath: r.containerPath,
				readonly: r.readonly,
				source: r.source,
				reason: r.reason,
				status: r.status,
				createdAt: r.createdAt,
			})),
		};
	}

	private userPatterns(): string[] {
		const current = this.options.allowlist.current();
		return current.ok ? current.allowlist.blockedPatterns : [];
	}

	private pendingRequest(id: number): MountRequestRecord {
		const request = this.options.store.get(id);
		if (!request) throw new Error(`no mount request ${id}: see the Mounts pane or \`babybot-tui mounts list\``);
		if (request.status !== 'pending') throw new Error(`mount request ${id} was already ${request.status}${request.decidedBy ? ` by ${request.decidedBy}` : ''}`);
		return request;
	}

	private persist(input: MountRequestInput, reason: string | null): number {
		return this.options.store.create({
			groupFolder: input.groupFolder,
			hostPath: input.hostPath,
			containerPath: input.containerPath ?? null,
			readonly: input.readonly ?? true,
			source: input.source,
			reason,
			createdAt: this.now().toISOString(),
		});
	}
}

// How much an agent may ask of the host: per group and request type, at most `count` requests in
// any `windowMs`. Pure: the clock is passed in. A refused request is answered with the reason; the
// chat hears once per flood (a flood ends after a whole window without a refusal).
import type {IpcRequestType} from './schemas.js';

export interface RateLimit {
	/** Requests allowed in any window. */
	count: number;
	windowMs: number;
	/** What the agent is told (with the limit) when it is over it. */
	what: string;
}

const minute = 60_000;
const hour = 60 * minute;

/** The limits per request type; types not listed are not rate-limited (they cost the host little). */
export const defaultRateLimits: Partial<Record<IpcRequestType, RateLimit>> = {
	message: {count: 20, windowMs: minute, what: 'messages (20 a minute)'},
	schedule_task: {count: 10, windowMs: hour, what: 'schedule_task requests (10 an hour)'},
	update_task: {count: 20, windowMs: hour, what: 'update_task requests (20 an hour)'},
	register_group: {count: 10, windowMs: hour, what: 'register_group requests (10 an hour)'},
	request_mount: {count: 5, windowMs: hour, what: 'mount requests (5 an hour)'},
	refresh_groups: {count: 5, windowMs: minute, what: 'refresh_groups requests (5 a minute)'},
};

/** Other bounds on what an agent may create. */
export const agentBounds = {
	/** Active and paused tasks one group may have. */
	tasksPerGroup: 50,
	/** Shortest interval task, in ms. */
	minTaskIntervalMs: minute,
	/** Mount requests of one group that may wait for the operator at once. */
	pendingMountsPerGroup: 5,
	/** Request files one group may have waiting; more are refused unread. */
	pendingFilesPerGroup: 200,
	/** Bytes of one request file. */
	requestFileBytes: 1024 * 1024,
} as const;

export type RateVerdict = {ok: true} | {ok: false; reason: string; firstOfFlood: boolean};

interface Window {
	/** When the requests granted in the current window were taken, oldest first. */
	granted: number[];
	lastRefusedAt?: number;
}

export class IpcRateLimiter {
	private readonly windows = new Map<string, Window>();

	constructor(private readonly limits: Partial<Record<IpcRequestType, RateLimit>> = defaultRateLimits) {}

	/** Takes one request of `type` for `folder` at time `now`, or says why not. */
	take(folder: string, type: IpcRequestType, now: number): RateVerdict {
		const limit = this.limits[type];
		if (!limit) return {ok: true};
		const key = `${folder}\u0000${type}`;
		const window = this.windows.get(key) ?? {granted: []};
		this.windows.set(key, window);
		while (window.granted.length > 0 && window.granted[0]! <= now - limit.windowMs) window.granted.shift();
		if (window.granted.length < limit.count) {
			window.granted.push(now);
			return {ok: true};
		}
		const firstOfFlood = window.lastRefusedAt === undefined || now - window.lastRefusedAt >= limit.windowMs;
		window.lastRefusedAt = now;
		const waitS = Math.max(1, Math.ceil((window.granted[0]! + limit.windowMs - now) / 1000));
		return {ok: false, reason: `too many ${limit.what}: this one was refused; try again in ${waitS} s`, firstOfFlood};
	}
}

// How much an agent may ask of the host: per group and request type, a token bucket. Pure: the
// clock is passed in. A refused request is answered with the reason; the chat hears once per flood.
import type {IpcRequestType} from './schemas.js';

export interface RateLimit {
	/** Requests allowed in a burst. */
	burst: number;
	/** Time to earn back one request, in ms. */
	perMs: number;
	/** What the agent is told (with the limit) when it is over it. */
	what: string;
}

const minute = 60_000;
const hour = 60 * minute;

/** The limits per request type; types not listed are not rate-limited (they cost the host little). */
export const defaultRateLimits: Partial<Record<IpcRequestType, RateLimit>> = {
	message: {burst: 20, perMs: 3_000, what: 'messages (20 a minute)'},
	schedule_task: {burst: 10, perMs: 6 * minute, what: 'schedule_task requests (10 an hour)'},
	update_task: {burst: 20, perMs: 3 * minute, what: 'update_task requests (20 an hour)'},
	register_group: {burst: 10, perMs: 6 * minute, what: 'register_group requests (10 an hour)'},
	request_mount: {burst: 5, perMs: 12 * minute, what: 'mount requests (5 an hour)'},
	refresh_groups: {burst: 5, perMs: minute, what: 'refresh_groups requests (5 a minute)'},
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

interface Bucket {
	tokens: number;
	at: number;
	flooding: boolean;
}

export class IpcRateLimiter {
	private readonly buckets = new Map<string, Bucket>();

	constructor(private readonly limits: Partial<Record<IpcRequestType, RateLimit>> = defaultRateLimits) {}

	/** Takes one request of `type` for `folder` at time `now`, or says why not. */
	take(folder: string, type: IpcRequestType, now: number): RateVerdict {
		const limit = this.limits[type];
		if (!limit) return {ok: true};
		const key = `${folder}\u0000${type}`;
		const bucket = this.buckets.get(key) ?? {tokens: limit.burst, at: now, flooding: false};
		bucket.tokens = Math.min(limit.burst, bucket.tokens + Math.max(0, now - bucket.at) / limit.perMs);
		bucket.at = now;
		this.buckets.set(key, bucket);
		if (bucket.tokens >= 1) {
			bucket.tokens -= 1;
			// A flood is over once the bucket has refilled halfway; the next one is told again.
			if (bucket.tokens >= limit.burst / 2) bucket.flooding = false;
			return {ok: true};
		}
		const firstOfFlood = !bucket.flooding;
		bucket.flooding = true;
		const waitS = Math.ceil(((1 - bucket.tokens) * limit.perMs) / 1000);
		return {ok: false, reason: `too many ${limit.what}: this one was refused; try again in ${waitS} s`, firstOfFlood};
	}

	/** Forgets a group's buckets (it was unregistered). */
	forget(folder: string): void {
		for (const key of this.buckets.keys()) if (key.startsWith(`${folder}\u0000`)) this.buckets.delete(key);
	}
}

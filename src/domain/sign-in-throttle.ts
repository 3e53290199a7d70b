/**
 * Failed sign-in throttling: after MAX_FAILURES_PER_EMAIL failures for one email (or
 * MAX_FAILURES_PER_IP from one address) within the window, further attempts are refused until the
 * oldest failure leaves the window. Counts live in PostgreSQL so every app process sees them.
 */
export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 50;

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export function decideSignInThrottle(input: {
  now: Date;
  emailFailures: { count: number; oldest: Date | null };
  ipFailures: { count: number; oldest: Date | null };
}): ThrottleDecision {
  const blocking = [
    input.emailFailures.count >= MAX_FAILURES_PER_EMAIL ? input.emailFailures.oldest : null,
    input.ipFailures.count >= MAX_FAILURES_PER_IP ? input.ipFailures.oldest : null,
  ].filter((d): d is Date => d !== null);
  if (blocking.length === 0) return { allowed: true };
  const until = Math.max(...blocking.map((d) => d.getTime() + THROTTLE_WINDOW_MS));
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((until - input.now.getTime()) / 1000)) };
}

export const SESSION_IDLE_MS = 7 * 24 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 30 * 24 * 60 * 60 * 1000;

/** A session lasts 7 days from its last use, and never more than 30 days from sign-in. */
export function sessionExpiry(createdAt: Date, lastSeenAt: Date): Date {
  return new Date(Math.min(createdAt.getTime() + SESSION_ABSOLUTE_MS, lastSeenAt.getTime() + SESSION_IDLE_MS));
}

// Wrap-safe comparisons of ENet's 32-bit millisecond times (include/enet/time.h): two times
// are compared through their unsigned difference, so the clock may wrap at 2^32 ms.
import { ENET_TIME_OVERFLOW_MS } from './constants.js';

/** A clock reading as ENet keeps it: whole milliseconds modulo 2^32. */
export function timeFromMs(ms: number): number {
  return Math.floor(ms) >>> 0;
}

export function timeLess(a: number, b: number): boolean {
  return (a - b) >>> 0 >= ENET_TIME_OVERFLOW_MS;
}

export function timeGreater(a: number, b: number): boolean {
  return (b - a) >>> 0 >= ENET_TIME_OVERFLOW_MS;
}

export function timeLessEqual(a: number, b: number): boolean {
  return !timeGreater(a, b);
}

export function timeGreaterEqual(a: number, b: number): boolean {
  return !timeLess(a, b);
}

/** |a - b| across the wrap. */
export function timeDifference(a: number, b: number): number {
  const d = (a - b) >>> 0;
  return d >= ENET_TIME_OVERFLOW_MS ? (b - a) >>> 0 : d;
}

/** a + b modulo 2^32. */
export function timeAdd(a: number, b: number): number {
  return (a + b) >>> 0;
}

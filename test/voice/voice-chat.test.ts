// VoiceChat's playout clock: it runs only while someone talks. A silent session plays nothing
// (no silence frames to the game, no 20 ms wake-ups); the first packet starts it, and it stops
// once the talker has been quiet long enough for the buffered audio, the concealment and the mic
// icon's hold to be done. Fake timers and a clock that follows them.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VOICE_PLAYOUT_WATCHDOG_MS, VoiceChat } from '../../src/voice/voice-chat.js';
import { VoiceTransmitter, type OutgoingVoice } from '../../src/voice/transmitter.js';
import { VOICE_FRAME_MS, VOICE_FRAME_SAMPLES, VOICE_PLAYOUT_IDLE_MS } from '../../src/voice/constants.js';
import type { AudioSink } from '../../src/voice/audio-io.js';

class CountingSink implements AudioSink {
  readonly name = 'count';
  frames = 0;
  loud = 0;
  readonly indexes: number[] = [];
  write(pcm: Int16Array, frameIndex?: number): void {
    this.frames++;
    this.indexes.push(frameIndex ?? NaN);
    if (pcm.some((s) => s !== 0)) this.loud++;
  }
  close(): void {}
}

const tone = (i: number): Int16Array => {
  const f = new Int16Array(VOICE_FRAME_SAMPLES);
  for (let k = 0; k < f.length; k++) f[k] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * (i * VOICE_FRAME_SAMPLES + k)) / 48_000));
  return f;
};

/** Node's (faked) timers, counting how often they are armed (each run a wake of the process). */
function countingTimers() {
  const t = {
    arms: 0,
    setTimeout: (fn: () => void, ms: number) => (t.arms++, setTimeout(fn, ms)),
    clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
  return t;
}

/** Peer 2 talking into `chat`, 1 ms a step on the faked clock: a mic frame every 20 ms, and a
 * game frame (`catchUp`, default chat.catchUp()) every `gameFrameMs` (null: no game frames). */
function talker(chat: VoiceChat, catchUp = () => chat.catchUp()) {
  const packets: OutgoingVoice[] = [];
  const tx = new VoiceTransmitter({ micIcon: () => {}, send: (p) => packets.push(p) });
  tx.setPushToTalk(true);
  const talk = (ms: number, gameFrameMs: number | null): void => {
    for (let i = 0; i < ms; i++) {
      if (Date.now() % VOICE_FRAME_MS === 0) {
        tx.onMicFrame(tone(Date.now() / VOICE_FRAME_MS));
        for (const p of packets.splice(0)) chat.onVoice({ ...p, fromPeerId: 2 });
      }
      if (gameFrameMs !== null && Date.now() % gameFrameMs === 0) catchUp();
      vi.advanceTimersByTime(1);
    }
  };
  return { tx, talk };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('VoiceChat playout clock', () => {
  it('plays nothing while nobody talks, plays a talkspurt, then stops with the icon off', () => {
    const sink = new CountingSink();
    const icons: Array<[number, boolean]> = [];
    const chat = new VoiceChat({ sink, sendVoice: () => {}, micIcon: (p, on) => icons.push([p, on]), localPeerId: () => 1, clock: { now: () => Date.now() } });
    chat.start();
    vi.advanceTimersByTime(2_000);
    expect(sink.frames).toBe(0);
    expect(chat.playing).toBe(false);
    expect(vi.getTimerCount()).toBe(0);

    const packets: OutgoingVoice[] = [];
    const tx = new VoiceTransmitter({ micIcon: () => {}, send: (p) => packets.push(p) });
    tx.setPushToTalk(true);
    const spurt = 50; // 1 s of talk
    for (let i = 0; i < spurt; i++) {
      tx.onMicFrame(tone(i));
      for (const p of packets.splice(0)) chat.onVoice({ ...p, fromPeerId: 2 });
      expect(chat.playing).toBe(true);
      vi.advanceTimersByTime(VOICE_FRAME_MS);
    }
    tx.setPushToTalk(false);
    tx.close();
    expect(icons).toContainEqual([2, true]);
    vi.advanceTimersByTime(VOICE_PLAYOUT_IDLE_MS + 10 * VOICE_FRAME_MS);
    expect(chat.playing).toBe(false);
    expect(icons[icons.length - 1]).toEqual([2, false]);
    // Every frame of the spurt was played (plus the jitter delay's and the tail's frames), then none.
    expect(sink.loud).toBeGreaterThanOrEqual(spurt - 2);
    const played = sink.frames;
    expect(played).toBeLessThanOrEqual(spurt + (VOICE_PLAYOUT_IDLE_MS + 10 * VOICE_FRAME_MS) / VOICE_FRAME_MS + 1);
    vi.advanceTimersByTime(5_000);
    expect(sink.frames).toBe(played);
    expect(vi.getTimerCount()).toBe(0);
    chat.close();
  });

  it('frames ride on catchUp() while the owner is woken every game frame; the timer plays them once it stops', () => {
    vi.setSystemTime(0);
    const GAME_FRAME_MS = 16;
    let inCatchUp = false;
    let late: number[] = [];
    let timerLate: number[] = [];
    let fromTimer = 0;
    const sink = new CountingSink();
    const write = sink.write.bind(sink);
    sink.write = (pcm, frameIndex) => {
      const lateMs = Date.now() - (frameIndex ?? NaN) * VOICE_FRAME_MS;
      if (inCatchUp) late.push(lateMs);
      else {
        fromTimer++;
        timerLate.push(lateMs);
      }
      write(pcm, frameIndex);
    };
    const timers = countingTimers(); // the playout timer's
    const chat = new VoiceChat({ sink, sendVoice: () => {}, micIcon: () => {}, localPeerId: () => 1, clock: { now: () => Date.now() }, timers });
    chat.start();
    const { tx, talk } = talker(chat, () => {
      inCatchUp = true;
      chat.catchUp();
      inCatchUp = false;
    });
    talk(2_000, GAME_FRAME_MS);
    expect(sink.frames).toBeGreaterThanOrEqual(2_000 / VOICE_FRAME_MS - 3);
    expect(fromTimer).toBeLessThanOrEqual(1); // the first frame, before catchUp took over
    // while catchUp() follows, the timer only looks every watchdog period (not re-armed per frame)
    expect(timers.arms).toBeLessThanOrEqual(2_000 / VOICE_PLAYOUT_WATCHDOG_MS + 3);
    expect(Math.max(...late)).toBeLessThan(GAME_FRAME_MS); // at most one game frame late
    expect(Math.min(...late)).toBeGreaterThanOrEqual(0); // never before its time
    // a sidecar paced by a 40 Hz server tick (catchUp every 25 ms) is followed as well
    const PACED_TICK_MS = 25;
    late = [];
    const timerFrames = fromTimer,
      armsBefore = timers.arms;
    talk(1_000, PACED_TICK_MS);
    expect(fromTimer - timerFrames).toBeLessThanOrEqual(1);
    expect(timers.arms - armsBefore).toBeLessThanOrEqual(1_000 / VOICE_PLAYOUT_WATCHDOG_MS + 2);
    expect(Math.max(...late)).toBeLessThan(PACED_TICK_MS);
    const before = sink.frames;
    talk(1_000, null);
    expect(fromTimer).toBeGreaterThanOrEqual(1_000 / VOICE_FRAME_MS - 3);
    // the game stopped: the frames due were played by the watchdog at most its period late
    expect(Math.max(...timerLate)).toBeLessThanOrEqual(VOICE_PLAYOUT_WATCHDOG_MS);
    expect(sink.frames - before).toBeGreaterThanOrEqual(1_000 / VOICE_FRAME_MS - 3);
    // a game slower than the voice frames (10 Hz) does not hold the timer back: frames on time
    late = [];
    timerLate = [];
    talk(1_000, 100);
    expect(Math.max(...late, ...timerLate)).toBe(0);
    expect(late.length + timerLate.length).toBeGreaterThanOrEqual(1_000 / VOICE_FRAME_MS - 1);
    tx.close();
    chat.close();
  });

  it("the watchdog runs on watchdogTimers (they may ride the owner's wakes); frames played on time stay on timers", () => {
    vi.setSystemTime(0);
    const timers = countingTimers(),
      watchdogTimers = countingTimers();
    const sink = new CountingSink();
    const chat = new VoiceChat({
      sink,
      sendVoice: () => {},
      micIcon: () => {},
      localPeerId: () => 1,
      clock: { now: () => Date.now() },
      timers,
      watchdogTimers,
    });
    chat.start();
    const { tx, talk } = talker(chat);
    talk(1_000, 16);
    expect(timers.arms).toBeLessThanOrEqual(2); // the first frames, before catchUp took over
    expect(watchdogTimers.arms).toBeGreaterThanOrEqual(1_000 / VOICE_PLAYOUT_WATCHDOG_MS - 2);
    const watchdogArms = watchdogTimers.arms;
    talk(1_000, null); // no game frames: after the watchdog's look, every frame on time, on timers
    expect(timers.arms).toBeGreaterThanOrEqual((1_000 - VOICE_PLAYOUT_WATCHDOG_MS) / VOICE_FRAME_MS - 1);
    expect(watchdogTimers.arms - watchdogArms).toBeLessThanOrEqual(1);
    tx.close();
    chat.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a packet after the clock stopped starts it again; close stops it', () => {
    const sink = new CountingSink();
    const chat = new VoiceChat({ sink, sendVoice: () => {}, micIcon: () => {}, localPeerId: () => 1, clock: { now: () => Date.now() } });
    const packets: OutgoingVoice[] = [];
    const tx = new VoiceTransmitter({ micIcon: () => {}, send: (p) => packets.push(p) });
    tx.setPushToTalk(true);
    chat.start();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 10; i++) {
        tx.onMicFrame(tone(i));
        for (const p of packets.splice(0)) chat.onVoice({ ...p, fromPeerId: 3 });
        vi.advanceTimersByTime(VOICE_FRAME_MS);
      }
      vi.advanceTimersByTime(VOICE_PLAYOUT_IDLE_MS + 20 * VOICE_FRAME_MS);
      expect(chat.playing).toBe(false);
    }
    expect(sink.loud).toBeGreaterThanOrEqual(2 * 8);
    // Frame indexes count up by one while playing and jump over the silence between the spurts.
    const steps = sink.indexes.slice(1).map((x, i) => x - sink.indexes[i]!);
    expect(steps.filter((d) => d !== 1)).toHaveLength(1);
    expect(Math.max(...steps)).toBeGreaterThanOrEqual(20);
    tx.onMicFrame(tone(0));
    for (const p of packets.splice(0)) chat.onVoice({ ...p, fromPeerId: 3 });
    expect(chat.playing).toBe(true);
    chat.close();
    expect(chat.playing).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    tx.close();
  });

  it('before start() packets are buffered but nothing plays', () => {
    const sink = new CountingSink();
    const chat = new VoiceChat({ sink, sendVoice: () => {}, micIcon: () => {}, localPeerId: () => 1, clock: { now: () => Date.now() } });
    const packets: OutgoingVoice[] = [];
    const tx = new VoiceTransmitter({ micIcon: () => {}, send: (p) => packets.push(p) });
    tx.setPushToTalk(true);
    tx.onMicFrame(tone(0));
    for (const p of packets.splice(0)) chat.onVoice({ ...p, fromPeerId: 3 });
    vi.advanceTimersByTime(1_000);
    expect(sink.frames).toBe(0);
    expect(chat.playing).toBe(false);
    chat.close();
    tx.close();
  });
});

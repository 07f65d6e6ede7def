// Scenario actions: what the scripted player does. Add one by adding an entry to ACTIONS
// (its zod schema validates the step's fields; run() may start background work via ctx).
import { z } from 'zod';
import { CODECS, type MessageName } from '../../bridge/index.js';
import type { SimContext } from './context.js';
import { WavFileSink, WavFileSource } from '../voice/wav-io.js';
import { VAD_ABS_THRESHOLD_DBFS, VOICE_SAMPLE_RATE_HZ, VOICE_VOLUME_DEFAULT } from '../voice/constants.js';
import type { Step } from './scenario.js';
import { playScene, runningScene } from './scene.js';
import { exportFields, progressMessage } from './reactions.js';
import { describeZodError } from '../util/zod-text.js';

export interface Action<S extends z.ZodTypeAny = z.ZodTypeAny> {
  schema: S;
  run(step: z.infer<S>, ctx: SimContext): void | Promise<void>;
}

/** How often a 'progress' step waiting for the sidecar's export request looks again. */
const PROGRESS_WAIT_POLL_MS = 20;

const Vec3 = z.tuple([z.number(), z.number(), z.number()]);
const vec = (v: readonly number[]) => ({ x: v[0] ?? 0, y: v[1] ?? 0, z: v[2] ?? 0 });

/** Rebuilds Uint8Array fields written as { "$bytes": "<base64>" } in JSON. */
export function reviveBytes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reviveBytes);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$bytes === 'string' && Object.keys(o).length === 1) return new Uint8Array(Buffer.from(o.$bytes, 'base64'));
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, reviveBytes(x)]));
  }
  return v;
}

function define<S extends z.ZodTypeAny>(schema: S, run: (step: z.infer<S>, ctx: SimContext) => void | Promise<void>): Action<S> {
  return { schema, run };
}

export const ACTIONS: Record<string, Action> = {
  /** Walk a polyline at speedMps, sending PlayerTransform at hz. */
  walk: define(
    z.object({
      path: z.array(Vec3).min(1),
      speedMps: z.number().positive().default(3),
      hz: z.number().positive().max(240).default(10),
      entityId: z.number().int().min(0).default(1),
    }),
    (s, ctx) => {
      const legs = s.path.slice(1).map((p, i) => ({ from: s.path[i], to: p }));
      let leg = 0;
      let along = 0;
      const stepM = s.speedMps / s.hz;
      ctx.every(1000 / s.hz, () => {
        const cur = legs[leg];
        const last = s.path[s.path.length - 1];
        const from = cur?.from ?? last;
        const to = cur?.to ?? last;
        const d = [to[0] - from[0], to[1] - from[1], to[2] - from[2]];
        const len = Math.hypot(d[0], d[1], d[2]) || 1;
        const k = Math.min(1, along / len);
        const pos = [from[0] + d[0] * k, from[1] + d[1] * k, from[2] + d[2] * k];
        const yaw = Math.atan2(d[1], d[0]);
        const moving = cur !== undefined;
        const vel = moving ? d.map((x) => (x / len) * s.speedMps) : [0, 0, 0];
        ctx.state.set('pos', pos);
        ctx.send('PlayerTransform', { entityId: s.entityId, pos: vec(pos), rot: { x: 0, y: 0, z: Math.sin(yaw / 2), w: Math.cos(yaw / 2) }, vel: vec(vel) });
        if (!moving) return false;
        along += stepM;
        if (along >= len) {
          along = 0;
          leg++;
        }
        return true;
      });
    },
  ),
  transform: define(z.object({ pos: Vec3, vel: Vec3.default([0, 0, 0]), entityId: z.number().int().min(0).default(1) }), (s, ctx) => {
    ctx.send('PlayerTransform', { entityId: s.entityId, pos: vec(s.pos), rot: { x: 0, y: 0, z: 0, w: 1 }, vel: vec(s.vel) });
  }),
  /** The player triggers a scene: it plays here and the game reports it (StartCinematic). */
  cinematic: define(z.object({ sceneId: z.string(), timeS: z.number().default(0) }), (s, ctx) => {
    playScene(ctx, s.sceneId, s.timeS);
    ctx.send('StartCinematic', { sceneId: s.sceneId, timeS: s.timeS });
  }),
  /** The running scene ends here (skipped: the player skipped it). */
  endCinematic: define(z.object({ skipped: z.boolean().default(false) }), (s, ctx) => {
    const scene = runningScene(ctx);
    if (!scene) return;
    ctx.state.delete('scene');
    ctx.send('CinematicEnded', { sceneId: scene.sceneId, skipped: s.skipped });
  }),
  /** Ask the sidecar for server time (the reply is logged and kept in state 'serverTime'). */
  serverTime: define(z.object({ requestId: z.number().int().min(0).default(1) }), (s, ctx) => ctx.send('ServerTimeRequest', { requestId: s.requestId })),
  /** Show the dialogue wheel, then pick a choice pickAfterMs later (no pick when pick is absent). */
  dialogue: define(
    z.object({
      conversationId: z.number().int().min(0),
      hubId: z.number().int().min(0).default(1),
      choices: z.array(z.string()).min(1),
      pick: z.number().int().min(0).optional(),
      pickAfterMs: z.number().min(0).default(500),
    }),
    (s, ctx) => {
      ctx.send('DialogueWheelShown', {
        conversationId: s.conversationId,
        hubId: s.hubId,
        choices: s.choices.map((text, index) => ({ index, text, flags: 0 })),
      });
      const pick = s.pick;
      if (pick !== undefined)
        ctx.after(s.pickAfterMs, () => ctx.send('DialogueChoiceSelected', { conversationId: s.conversationId, hubId: s.hubId, choiceIndex: pick }));
    },
  ),
  /** Pick on a wheel the sidecar showed (DialogueWheelRemote), or a hacked game picking anyway. */
  pick: define(
    z.object({ conversationId: z.number().int().min(0), hubId: z.number().int().min(0), choiceIndex: z.number().int().min(0).max(0xffff) }),
    (s, ctx) => {
      ctx.send('DialogueChoiceSelected', { conversationId: s.conversationId, hubId: s.hubId, choiceIndex: s.choiceIndex });
    },
  ),
  /** A listener suggests a choice on a read-only wheel. */
  suggest: define(
    z.object({ conversationId: z.number().int().min(0), hubId: z.number().int().min(0), choiceIndex: z.number().int().min(0).max(0xffff) }),
    (s, ctx) => {
      ctx.send('DialogueSuggest', { conversationId: s.conversationId, hubId: s.hubId, choiceIndex: s.choiceIndex });
    },
  ),
  /** The conversation closes in this game. */
  endDialogue: define(z.object({ conversationId: z.number().int().min(0), reason: z.string().default('done') }), (s, ctx) => {
    ctx.send('DialogueEnded', { conversationId: s.conversationId, reason: s.reason });
  }),
  /**
   * A line's mouth shapes: VisemeEvent for speaker npcId every everyMs, one id after the other,
   * each timed at this game's clock + offsetMs (negative: reported late).
   */
  visemes: define(
    z.object({
      npcId: z.number().int().min(0),
      ids: z.array(z.number().int().min(0).max(255)).min(1),
      everyMs: z.number().positive().default(70),
      offsetMs: z.number().default(0),
    }),
    (s, ctx) => {
      let i = 0;
      const one = () => ctx.send('VisemeEvent', { npcId: s.npcId, visemeId: s.ids[i++]!, timeMs: ctx.now() + s.offsetMs });
      one();
      if (s.ids.length > 1) ctx.every(s.everyMs, () => (one(), i < s.ids.length));
    },
  ),
  /** Hold push-to-talk for holdMs. */
  ptt: define(z.object({ holdMs: z.number().min(0) }), (s, ctx) => {
    ctx.send('PushToTalkDown', {});
    ctx.after(s.holdMs, () => ctx.send('PushToTalkUp', {}));
  }),
  /** Stream a 48 kHz mono WAV as the microphone (MicAudioFrame every 20 ms, real-time paced). */
  mic: define(z.object({ wav: z.string().min(1), loop: z.boolean().default(false) }), (s, ctx) => {
    const src = new WavFileSource(s.wav, { loop: s.loop, onEnd: () => ctx.log({ event: 'micEnded', wav: s.wav }) });
    (ctx.state.get('micSource') as WavFileSource | undefined)?.stop(); // one microphone: a new file replaces the old
    ctx.state.set('micSource', src);
    let seq = (ctx.state.get('micSeq') as number | undefined) ?? 0;
    src.start((pcm) => {
      if (ctx.bridge.state === 'closed') return;
      ctx.bridge.send('MicAudioFrame', {
        seq: seq >>> 0,
        sampleRate: VOICE_SAMPLE_RATE_HZ,
        channels: 1,
        pcm: new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength),
      });
      ctx.state.set('micSeq', ++seq);
    });
    ctx.log({ event: 'micStarted', wav: s.wav, seconds: src.samples.length / VOICE_SAMPLE_RATE_HZ });
    ctx.atStop(() => src.stop());
  }),
  /** Write what the sidecar plays (VoicePlayback) to a WAV, published when the game stops. */
  recordVoice: define(z.object({ wav: z.string().min(1) }), (s, ctx) => {
    const sink = new WavFileSink(s.wav);
    ctx.state.set('voiceSink', sink);
    ctx.state.set('voiceSinkStartMs', ctx.now());
    ctx.atStop(() => {
      sink.close();
      ctx.log({ event: 'voiceRecorded', wav: s.wav, samples: sink.samplesWritten });
    });
  }),
  console: define(z.object({ text: z.string() }), (s, ctx) => ctx.send('ConsoleCommand', { text: s.text })),
  settings: define(
    z.object({
      pttKey: z.string(),
      voiceActivation: z.boolean(),
      voxThresholdDbfs: z.number().default(VAD_ABS_THRESHOLD_DBFS),
      voiceVolume: z.number().default(VOICE_VOLUME_DEFAULT),
      /** 0: coop-bridge.ini's server or lobby; 1..8: its saved servers. */
      serverSlot: z.number().int().min(0).max(255).default(0),
    }),
    (s, ctx) => ctx.send('SettingsChanged', s),
  ),
  /** Any manifest message by name; bytes as { "$bytes": base64 }. */
  send: define(z.object({ message: z.string(), fields: z.record(z.string(), z.unknown()).default({}) }), (s, ctx) => {
    if (!(s.message in CODECS)) throw new Error(`send: unknown message '${s.message}'`);
    ctx.send(s.message as MessageName, reviveBytes(s.fields) as never);
  }),
  /**
   * The player's progress changed (a quest moved, an item was picked up): from now on the game
   * exports `base64` (a .dat, src/merge, sent as ProgressData's plain fields: reactions.ts exportFields),
   * and pushes it unasked (ProgressData, requestId 0).
   * With afterExports N it waits until the sidecar asked for the progress N times.
   */
  progress: define(z.object({ base64: z.string().min(1), afterExports: z.number().int().min(0).default(0) }), (s, ctx) => {
    const apply = () => {
      ctx.state.set('progressBase64', s.base64);
      ctx.send('ProgressData', progressMessage(0, exportFields(s.base64, [])));
    };
    // afterExports: only once the sidecar has asked that many times (e.g. 1 = after the baseline).
    const exported = () => ((ctx.state.get('exports') as number | undefined) ?? 0) >= s.afterExports;
    if (exported()) apply();
    else ctx.every(PROGRESS_WAIT_POLL_MS, () => (exported() ? (apply(), false) : true));
  }),
  /** A raw frame: any type id, payload in hex (tests of the sidecar's drop counters). */
  raw: define(
    z.object({
      type: z.number().int().min(1).max(0xfffe),
      hex: z
        .string()
        .regex(/^([0-9a-fA-F]{2})*$/)
        .default(''),
    }),
    (s, ctx) => {
      ctx.bridge.sendRaw(s.type, new Uint8Array(Buffer.from(s.hex, 'hex')));
      ctx.log({ dir: 'out', raw: s.type, bytes: s.hex.length / 2 });
    },
  ),
  /** A frame header whose length lies (the sidecar must drop it and count it). */
  badLength: define(z.object({ claimedBytes: z.number().int().min(0) }), (s, ctx) => {
    ctx.bridge.writeBadLengthFrameForTest(s.claimedBytes);
    ctx.log({ dir: 'out', badLength: s.claimedBytes });
  }),
  /** Waits until the sidecar has read everything sent so far. */
  flush: define(z.object({}), async (_s, ctx) => {
    await ctx.bridge.flushed();
    ctx.log({ event: 'flushed' });
  }),
};

/** Validates every step up front so a bad scenario fails before the game "starts". */
export function checkSteps(steps: Step[]): void {
  steps.forEach((step, i) => {
    const action = ACTIONS[step.do];
    if (!action) throw new Error(`step ${i} (at ${step.at} ms): unknown action '${step.do}' (known: ${Object.keys(ACTIONS).join(', ')})`);
    const r = action.schema.safeParse(step);
    if (!r.success) {
      throw new Error(`step ${i} (${step.do} at ${step.at} ms): ${describeZodError(r.error)}`);
    }
  });
}

export async function runStep(step: Step, ctx: SimContext): Promise<void> {
  const action = ACTIONS[step.do];
  if (!action) throw new Error(`unknown action '${step.do}'`);
  await action.run(action.schema.parse(step), ctx);
}

// How the headless game answers the sidecar's requests. Every inbound message is logged by the
// host; add an entry here to make the game also reply (one function per message name).
import type { MessageMap, MessageName } from '../../bridge/index.js';
import type { SimContext } from './context.js';
import type { WavFileSink } from '../voice/wav-io.js';
import { seekScene, stopScene } from './scene.js';
import { proxiesOf } from './proxies.js';
import { VOICE_FRAME_MS } from '../voice/constants.js';

/** Longest silence a recording fills between played frames: 60 s of 20 ms frames. */
export const PLAYBACK_GAP_FILL_MAX_FRAMES = 3_000;
import type { ProgressData } from '../../bridge/index.js';
import { decodeDat } from '../merge/index.js';
import { fieldsFromProgress, type ProgressFields } from '../sidecar/progress-fields.js';

// The game's progress is exported as the game script does (CoopProgress.reds): plain fields,
// never the .dat. The scenario writes it as a .dat (base64) only because tests write progress so.
/**
 * What the game answers an ExportProgressRequest with: its own facts (the scenario's quests, as
 * the game script's own list) and every asked-for fact, 0 when the game has none (GetFact's answer).
 */
export function exportFields(progressBase64: string, factNames: readonly string[]): ProgressFields {
  if (progressBase64 === '') return { level: 1, xp: 0, facts: factNames.map((name) => ({ name, value: 0 })), items: [], mods: [], attrs: [] };
  const fields = fieldsFromProgress(decodeDat(Buffer.from(progressBase64, 'base64'), 'scenario progress'));
  const own = new Set(fields.facts.map((f) => f.name));
  const asked = [...new Set(factNames)].filter((n) => !own.has(n));
  return { ...fields, facts: [...fields.facts, ...asked.map((name) => ({ name, value: 0 }))] };
}

export const progressMessage = (requestId: number, fields: ProgressFields): ProgressData => ({ requestId, ...fields });

export type Reactions = { [K in MessageName]?: (msg: MessageMap[K], ctx: SimContext) => void };

export const REACTIONS: Reactions = {
  ExportProgressRequest: (m, ctx) => {
    ctx.state.set('exports', ((ctx.state.get('exports') as number | undefined) ?? 0) + 1);
    const current = (ctx.state.get('progressBase64') as string | undefined) ?? ctx.scenario.progressBase64;
    ctx.send('ProgressData', progressMessage(m.requestId, exportFields(current, m.factNames)));
  },
  ApplyProgress: (m, ctx) => {
    ctx.state.set('appliedProgress', m);
    ctx.send('ApplyProgressResult', { requestId: m.requestId, ok: true, error: '' });
  },
  MergeConflicts: (m, ctx) => {
    const policy = ctx.scenario.mergePolicy;
    const decisions = m.conflicts.map((c, i) => ({ id: c.id, accept: policy === 'accept-all' || (policy === 'alternate' && i % 2 === 0) }));
    ctx.send('MergeAnswer', { requestId: m.requestId, decisions });
  },
  VoicePlayback: (m, ctx) => {
    const sink = ctx.state.get('voiceSink') as WavFileSink | undefined;
    if (!sink || m.pcm.length % 2 !== 0) return;
    const pcm = new Int16Array(m.pcm.length / 2);
    new Uint8Array(pcm.buffer).set(m.pcm);
    // The sidecar plays nothing while nobody talks: its seq jumps over the silence, which the
    // recording keeps (as a game's audio output would), up to PLAYBACK_GAP_FILL_MAX_FRAMES;
    // before the first frame, the silence since the recording started (this game's clock).
    const last = ctx.state.get('voiceSeq') as number | undefined;
    const startMs = ctx.state.get('voiceSinkStartMs') as number | undefined;
    const lead = startMs === undefined ? 0 : Math.floor((ctx.now() - startMs) / VOICE_FRAME_MS) - 1;
    const gap = last === undefined ? Math.max(0, lead) : ((m.seq - last) >>> 0) - 1;
    for (let i = 0; i < Math.min(gap, PLAYBACK_GAP_FILL_MAX_FRAMES); i++) sink.write(new Int16Array(pcm.length));
    ctx.state.set('voiceSeq', m.seq);
    sink.write(pcm);
  },
  SpectateEnter: (_m, ctx) => void ctx.state.set('spectating', true),
  SpectateExit: (_m, ctx) => void ctx.state.set('spectating', false),
  SeekCinematic: (m, ctx) => seekScene(ctx, m.sceneId, m.timeS, m.localTimeMs),
  StopCinematic: (m, ctx) => stopScene(ctx, m.sceneId, m.reason),
  ServerTimeReply: (m, ctx) => void ctx.state.set('serverTime', m),
  SpawnProxy: (m, ctx) => proxiesOf(ctx.state).spawn(m),
  DespawnProxy: (m, ctx) => proxiesOf(ctx.state).despawn(m.entityId),
  RemoteEntityStates: (m, ctx) => proxiesOf(ctx.state).applyFrame(m),
  RemoteEntityState: (m, ctx) => proxiesOf(ctx.state).applyOne(m),
};

export function react(name: MessageName, msg: MessageMap[MessageName], ctx: SimContext): void {
  const fn = REACTIONS[name] as ((m: MessageMap[MessageName], c: SimContext) => void) | undefined;
  fn?.(msg, ctx);
}

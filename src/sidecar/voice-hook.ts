// The sidecar's voice hooks: bridge ↔ VoiceChat ↔ server connection.
//   game → sidecar: PushToTalkDown/Up, SettingsChanged (voiceActivation), MicAudioFrame (the mic)
//   sidecar → game: MicIconShow/Hide, VoicePlayback (the mixed voice to play)
//   sidecar ↔ server: Voice on CHANNEL_VOICE (unreliable)
// The mic comes from the game over the bridge (the headless game streams a WAV through the same
// process boundary the real game uses), or from a PortAudio device (--mic-device). Output goes
// to the game (VoicePlayback), or to a PortAudio device (--speaker-device).
import type { Bridge } from '../../bridge/index.js';
import { CHANNEL_VOICE } from '../protocol/constants.js';
import type { EMsg } from '../protocol/schema.gen.js';
import type { AudioSink } from '../voice/audio-io.js';
import { PortAudioPlayback, startCapture } from '../voice/portaudio.js';
import { VoiceChat, type VoiceTraceEvent } from '../voice/voice-chat.js';
import { PushToTalkLatch } from './push-to-talk.js';
import type { Timers } from '../util/clock.js';

export interface VoiceHookOptions {
  /** Sends an EMsg to the server on a channel (CoopClient.sendRaw). */
  sendToServer: (msg: EMsg, channel: number) => void;
  localPeerId: () => number;
  /** Display name for a peer's mic icon. */
  nameOf: (peerId: number) => string;
  micDevice?: string;
  speakerDevice?: string;
  /** One line for the player/log (device problems). */
  say: (line: string) => void;
  trace?: (e: VoiceTraceEvent) => void;
  /** Each talker's decoded frame as it is played (their avatar's mouth, story/voice-visemes.ts). */
  onDecoded?: (peerId: number, pcm: Int16Array) => void;
  /** Push-to-talk's release timeout runs on these (tests: a clock they advance). */
  pttTimers?: Timers;
  /** The playout watchdog's (VoiceChatOptions.watchdogTimers): timers that ride on the game's frames. */
  watchdogTimers?: Timers;
}

/** Played frames go to the game over the bridge. */
class GameSink implements AudioSink {
  readonly name = 'game';
  #seq = 0;
  #bridge: Bridge;
  /** Frames not delivered because the ring was full (the game is not reading). */
  dropped = 0;
  constructor(bridge: Bridge) {
    this.#bridge = bridge;
  }
  /** seq: the frame's index on the playout timeline, so the game sees the silences between talk. */
  write(pcm: Int16Array, frameIndex?: number): void {
    if (this.#bridge.state === 'closed') return;
    this.#seq = frameIndex ?? this.#seq + 1;
    if (!this.#bridge.trySend('VoicePlayback', { seq: this.#seq >>> 0, pcm: new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength) })) this.dropped += 1;
  }
  close(): void {}
}

/** A peer's HUD mic icon shown (with their name) or hidden: for Node's voice and the native path's. */
export function micIcons(bridge: Bridge, nameOf: (peerId: number) => string): (peerId: number, on: boolean) => void {
  return (peerId, on) => {
    if (bridge.state === 'closed') return;
    if (on) bridge.send('MicIconShow', { peerId, displayName: nameOf(peerId) });
    else bridge.send('MicIconHide', { peerId });
  };
}

export function attachVoice(bridge: Bridge, o: VoiceHookOptions): VoiceChat {
  let sink: AudioSink = new GameSink(bridge);
  if (o.speakerDevice !== undefined) {
    try {
      sink = new PortAudioPlayback(o.speakerDevice);
    } catch (err) {
      o.say(`voice: ${(err as Error).message}; playing through the game instead`);
    }
  }
  const chat = new VoiceChat({
    sink,
    localPeerId: o.localPeerId,
    trace: o.trace,
    onDecoded: o.onDecoded,
    watchdogTimers: o.watchdogTimers,
    sendVoice: (p) => o.sendToServer({ voice: { seq: p.seq, timestamp: p.timestamp, opusBytes: p.opusBytes } }, CHANNEL_VOICE),
    micIcon: micIcons(bridge, o.nameOf),
  });
  // The game forwards the key; the latch lets go of a press whose release was lost.
  const ptt = new PushToTalkLatch({
    onChange: (down, why) => {
      if (why === 'timeout') o.say(`voice: push-to-talk held ${ptt.timeoutMs / 1000} s with no release: let go`);
      chat.onPushToTalk(down);
    },
    timers: o.pttTimers,
  });
  // The game's frames wake the sidecar 60 times a second: the playout rides on them.
  bridge.on('PlayerTransform', () => chat.catchUp());
  bridge.on('PushToTalkDown', () => ptt.down());
  bridge.on('PushToTalkUp', () => ptt.up());
  bridge.on('closed', () => ptt.close());
  bridge.on('SettingsChanged', (m) =>
    chat.onSettings({ voiceActivation: m.voiceActivation, voxThresholdDbfs: m.voxThresholdDbfs, voiceVolume: m.voiceVolume }),
  );
  if (o.micDevice !== undefined) {
    const r = startCapture(o.micDevice, (pcm) => chat.onPcmFrame(pcm));
    if (!r.ok) o.say(`voice: ${r.message}; using the game's microphone frames instead`);
    if (!r.ok) bridge.on('MicAudioFrame', (m) => chat.onMicFrame(m));
  } else {
    bridge.on('MicAudioFrame', (m) => chat.onMicFrame(m));
  }
  chat.start();
  return chat;
}

/** Feed this from CoopClient's `other` event. */
export function voiceMessage(chat: VoiceChat, kind: string, msg: EMsg): boolean {
  if (kind !== 'voice' || !msg.voice) return false;
  chat.onVoice(msg.voice);
  return true;
}

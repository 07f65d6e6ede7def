// Remote players' mouths from their voice chat, with no extra packets: each decoded 20 ms voice
// frame a sidecar plays is classified on the spot into a viseme for the talker's avatar and
// handed to the game at once (the frame is being heard now). It is a crude classifier — loudness
// and zero-crossing rate, not phoneme recognition: silence closes the mouth, hiss (s, f, sh)
// shows SS, bright voiced sound E, loud open vowels aa, quieter ones oh. Only changes are sent.
import { VisemeId, type VisemeIdValue } from '../../protocol/visemes.js';

/** RMS below this (16-bit PCM) is silence. */
export const VOICE_SILENCE_RMS = 400;
/** RMS above this is a loud, open vowel. */
export const VOICE_LOUD_RMS = 4_000;
/** Zero crossings per sample above this: hiss (fricatives). */
export const VOICE_HISS_ZCR = 0.25;
/** Zero crossings per sample above this (below hiss): a bright vowel. */
export const VOICE_BRIGHT_ZCR = 0.1;

export function visemeOfFrame(pcm: Int16Array): VisemeIdValue {
  if (pcm.length === 0) return VisemeId.sil;
  let sum = 0,
    crossings = 0;
  for (let i = 0; i < pcm.length; i++) {
    const s = pcm[i]!;
    sum += s * s;
    if (i > 0 && s >= 0 !== pcm[i - 1]! >= 0) crossings++;
  }
  const rms = Math.sqrt(sum / pcm.length),
    zcr = crossings / pcm.length;
  if (rms < VOICE_SILENCE_RMS) return VisemeId.sil;
  if (zcr > VOICE_HISS_ZCR) return VisemeId.SS;
  if (zcr > VOICE_BRIGHT_ZCR) return VisemeId.E;
  return rms > VOICE_LOUD_RMS ? VisemeId.aa : VisemeId.oh;
}

export class VoiceVisemes {
  readonly #last = new Map<number, number>();
  readonly #show: (entityId: number, visemeId: number) => void;
  readonly #avatarOf: (peerId: number) => number | undefined;
  readonly counts = { frames: 0, changes: 0, noAvatar: 0 };

  constructor(o: { show: (entityId: number, visemeId: number) => void; avatarOf: (peerId: number) => number | undefined }) {
    this.#show = o.show;
    this.#avatarOf = o.avatarOf;
  }

  /** One decoded frame of a talker, being played now. */
  frame(peerId: number, pcm: Int16Array): void {
    this.counts.frames++;
    const entityId = this.#avatarOf(peerId);
    if (entityId === undefined) {
      this.counts.noAvatar++;
      return;
    }
    const v = visemeOfFrame(pcm);
    if (this.#last.get(peerId) === v) return;
    this.#last.set(peerId, v);
    this.counts.changes++;
    this.#show(entityId, v);
  }

  forget(peerId: number): void {
    this.#last.delete(peerId);
  }
}

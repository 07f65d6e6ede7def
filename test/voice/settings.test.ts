// The settings menu's voice values as SettingsChanged carries them: the VOX threshold (dBFS)
// decides which frames count as speech, and out-of-range or non-number values are clamped or
// ignored (a hostile frame must not switch VOX off or blow up the playback gain).
import { describe, expect, it } from 'vitest';
import { VoiceActivityDetector } from '../../src/voice/vad.js';
import { VoiceReceiver } from '../../src/voice/receiver.js';
import { VAD_THRESHOLD_MAX_DBFS, VAD_THRESHOLD_MIN_DBFS, VOICE_FRAME_SAMPLES, VOICE_VOLUME_MAX } from '../../src/voice/constants.js';

/** A 20 ms sine frame at about `dbfs` (RMS). */
function tone(dbfs: number): Int16Array {
  const amp = 32768 * 10 ** (dbfs / 20) * Math.SQRT2;
  return Int16Array.from({ length: VOICE_FRAME_SAMPLES }, (_, i) => Math.round(amp * Math.sin((2 * Math.PI * 440 * i) / 48_000)));
}

/** Frames of silence then one tone: is the tone speech? */
function heard(vad: VoiceActivityDetector, dbfs: number): boolean {
  for (let i = 0; i < 50; i++) vad.process(new Int16Array(VOICE_FRAME_SAMPLES));
  return vad.process(tone(dbfs));
}

describe('voice settings from the settings menu', () => {
  it('the VOX threshold moves what counts as speech', () => {
    const vad = new VoiceActivityDetector();
    vad.setAbsThresholdDbfs(-50);
    expect(heard(vad, -40)).toBe(true);
    const strict = new VoiceActivityDetector();
    strict.setAbsThresholdDbfs(-30);
    expect(heard(strict, -40)).toBe(false);
  });

  it('clamps the threshold and ignores a non-number', () => {
    const vad = new VoiceActivityDetector();
    vad.setAbsThresholdDbfs(-1e9);
    expect(vad.absThresholdDbfs).toBe(VAD_THRESHOLD_MIN_DBFS);
    vad.setAbsThresholdDbfs(40);
    expect(vad.absThresholdDbfs).toBe(VAD_THRESHOLD_MAX_DBFS);
    vad.setAbsThresholdDbfs(Number.NaN);
    expect(vad.absThresholdDbfs).toBe(VAD_THRESHOLD_MAX_DBFS);
  });

  it('clamps the playback volume to [0, max] and still plays a frame', () => {
    const written: Int16Array[] = [];
    const rx = new VoiceReceiver({ sink: { write: (pcm: Int16Array) => written.push(pcm) } as never });
    rx.setVolume(5);
    expect(rx.volume).toBe(VOICE_VOLUME_MAX);
    rx.setVolume(-1);
    expect(rx.volume).toBe(0);
    rx.setVolume(Number.POSITIVE_INFINITY);
    expect(rx.volume).toBe(0);
    rx.tick(0);
    expect(written).toHaveLength(1);
  });
});

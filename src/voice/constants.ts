// Voice constants: one place, units in the names.

/** Opus runs at 48 kHz mono; every frame is 20 ms. */
export const VOICE_SAMPLE_RATE_HZ = 48_000;
export const VOICE_CHANNELS = 1;
export const VOICE_FRAME_MS = 20;
export const VOICE_FRAME_SAMPLES = (VOICE_SAMPLE_RATE_HZ * VOICE_FRAME_MS) / 1000; // 960

/**
 * Default bitrate: 24 kb/s. Opus in VoIP mode gives wideband/super-wideband speech that is
 * near-transparent for chat around 20–24 kb/s, and in-band FEC (LBRR) is only switched on by
 * the SILK layer when the bitrate leaves room for it at the given loss: 24 kb/s keeps FEC on
 * up to ~20 % expected loss while staying far below what a game connection notices
 * (≈ 3 kB/s a talker, ≈ 60 B a packet, one packet every 20 ms).
 */
export const VOICE_DEFAULT_BITRATE_BPS = 24_000;
export const VOICE_MIN_BITRATE_BPS = 6_000;
export const VOICE_MAX_BITRATE_BPS = 64_000;
/** Expected-loss hint before the connection has measured anything. */
export const VOICE_DEFAULT_EXPECTED_LOSS_PCT = 10;
export const VOICE_MAX_EXPECTED_LOSS_PCT = 100;
/** The measured loss is floored here before it becomes the hint: at 0 % Opus drops in-band FEC
 * entirely, and a burst would then find no redundancy. */
export const VOICE_MIN_EXPECTED_LOSS_PCT = 5;
/** Encoder complexity 0..10; 9 is a good quality/CPU trade for one voice stream. */
export const VOICE_DEFAULT_COMPLEXITY = 9;

/**
 * The largest Opus packet we produce or accept. At 64 kb/s a 20 ms frame is 160 B; 1275 B is
 * Opus's own maximum for one frame (RFC 6716 §3.2.1). Anything larger is dropped.
 */
export const VOICE_MAX_PACKET_BYTES = 1275;
/** A DTX packet (the encoder has nothing to say) is 1–2 bytes and is not transmitted. */
export const VOICE_DTX_MAX_BYTES = 2;

/** u16 sequence space of voice packets; u32 sample timestamp (wraps after ≈ 24.8 h). */
export const VOICE_SEQ_MODULO = 0x1_0000;
export const VOICE_TIMESTAMP_MODULO = 0x1_0000_0000;

/** Jitter buffer (see jitter-buffer.ts for how they are used). */
export const JITTER_WINDOW_PACKETS = 50;
export const JITTER_LATE_DROP_MS = 200;
export const JITTER_MIN_DELAY_MS = VOICE_FRAME_MS;
export const JITTER_MAX_DELAY_MS = 160;
/** Target for a stream's first talkspurt, before any jitter is measured (capture and the
 * game bridge deliver frames in bursts of 2–3, so one frame of delay is not enough). */
export const JITTER_INITIAL_DELAY_MS = 40;
/** target = MIN + JITTER_DELAY_FACTOR × measured jitter (RFC 3550 estimator), clamped. */
export const JITTER_DELAY_FACTOR = 4;
/** Concealed frames played on an underrun before the stream counts as stopped. */
export const JITTER_MAX_CONCEAL_FRAMES = 5;
/** After this long without a packet the next packet starts a fresh stream (any seq). */
export const JITTER_IDLE_RESET_MS = 1_000;
/** The playout clock stops this long after the last packet and restarts with the next one: a
 * silent session wakes nothing. Longer than JITTER_IDLE_RESET_MS, so the packet that restarts it
 * starts a fresh stream (a pause inside speech, DTX, keeps the clock and the stream's timeline
 * going), plus the buffered frames and the concealment (the icon's hold is shorter). */
export const VOICE_PLAYOUT_IDLE_MS = JITTER_IDLE_RESET_MS + JITTER_MAX_DELAY_MS + JITTER_MAX_CONCEAL_FRAMES * VOICE_FRAME_MS;

/** Server relay: a sender may send at most this many packets a second (50 needed) … */
export const VOICE_RELAY_MAX_PACKETS_PER_S = 60;
/** … with this burst allowance (a sidecar catching up after a stall). */
export const VOICE_RELAY_BURST_PACKETS = 25;
/** Proximity voice: full volume within, silent beyond (metres). */
export const VOICE_PROXIMITY_FULL_M = 10;
export const VOICE_PROXIMITY_MAX_M = 60;

/** VOX (see vad.ts). */
export const VAD_ABS_THRESHOLD_DBFS = -45;
/** The settings menu's threshold range (dBFS): values outside are clamped. */
export const VAD_THRESHOLD_MIN_DBFS = -80;
export const VAD_THRESHOLD_MAX_DBFS = -5;
/** Playback gain of others' voices from the settings menu: 1 = as received; clamped to [0, max]. */
export const VOICE_VOLUME_DEFAULT = 1;
export const VOICE_VOLUME_MAX = 2;
export const VAD_ABOVE_NOISE_DB = 12;
export const VAD_HANGOVER_MS = 300;
export const VAD_NOISE_RISE_DB_PER_S = 3;

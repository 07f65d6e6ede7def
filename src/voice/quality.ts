// Objective audio measures for codec tests, the bench and the end-to-end test:
// - alignment and normalised cross-correlation (FFT based, any lag);
// - log-spectral distance (LSD, dB) over speech-active 20 ms frames, in 24 log-spaced bands
//   from 100 Hz to 8 kHz: the mean over frames of the RMS difference of the two log band
//   power spectra. Lower is better.
//   A perceptual codec does not keep the waveform, so waveform SNR under-rates it; LSD
//   compares what the ear compares (the spectral envelope) and punishes silence in a gap.
import { VOICE_FRAME_SAMPLES, VOICE_SAMPLE_RATE_HZ } from './constants.js';

/** In-place iterative radix-2 FFT; length must be a power of two. */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(ang), wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1, ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k, b = a + len / 2;
        const tr = re[b]! * cr - im[b]! * ci, ti = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - tr; im[b] = im[a]! - ti;
        re[a] = re[a]! + tr; im[a] = im[a]! + ti;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
  if (inverse) for (let i = 0; i < n; i++) { re[i]! /= n; im[i]! /= n; }
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

export interface Alignment {
  /** Samples by which `degraded` lags `reference` (positive: degraded is later). */
  lagSamples: number;
  /** Normalised cross-correlation at that lag over the overlap, -1..1. */
  correlation: number;
}

/** Finds the lag in [minLag, maxLag] maximising the cross-correlation of the two signals. */
export function align(reference: Int16Array, degraded: Int16Array, minLag: number, maxLag: number): Alignment {
  const n = nextPow2(reference.length + degraded.length);
  const ar = new Float64Array(n), ai = new Float64Array(n), br = new Float64Array(n), bi = new Float64Array(n);
  for (let i = 0; i < reference.length; i++) ar[i] = reference[i]!;
  for (let i = 0; i < degraded.length; i++) br[i] = degraded[i]!;
  fft(ar, ai);
  fft(br, bi);
  // corr[lag] = sum ref[i] * deg[i + lag]  →  IFFT(conj(A) · B)
  for (let i = 0; i < n; i++) {
    const r = ar[i]! * br[i]! + ai[i]! * bi[i]!;
    const m = ar[i]! * bi[i]! - ai[i]! * br[i]!;
    ar[i] = r; ai[i] = m;
  }
  fft(ar, ai, true);
  let best = minLag, bestV = -Infinity;
  for (let lag = minLag; lag <= maxLag; lag++) {
    const v = ar[(lag + n) % n]!;
    if (v > bestV) { bestV = v; best = lag; }
  }
  return { lagSamples: best, correlation: correlationAt(reference, degraded, best) };
}

/** Normalised cross-correlation of ref[i] and deg[i + lag] over their overlap. */
export function correlationAt(ref: Int16Array, deg: Int16Array, lag: number): number {
  let xy = 0, xx = 0, yy = 0;
  const start = Math.max(0, -lag), end = Math.min(ref.length, deg.length - lag);
  for (let i = start; i < end; i++) {
    const x = ref[i]!, y = deg[i + lag]!;
    xy += x * y; xx += x * x; yy += y * y;
  }
  return xx > 0 && yy > 0 ? xy / Math.sqrt(xx * yy) : 0;
}

const LSD_FFT = 1024;
const LSD_LOW_HZ = 100;
const LSD_HIGH_HZ = 8_000;
/** Log-spaced bands: fine enough for the envelope, wide enough that noise-like frames compare. */
const LSD_BANDS = 24;
/** Frames quieter than this (dBFS, reference) are not speech and not scored. */
const LSD_ACTIVE_DBFS = -45;
/**
 * Both spectra are floored at the reference frame's loudest band minus this (dB), so the score
 * is about the audible envelope, not about bands far down; an empty frame scores ≈ this range.
 */
const LSD_DYNAMIC_RANGE_DB = 50;
const FULL_SCALE = 32768;

function bandEdges(): number[] {
  const binHz = VOICE_SAMPLE_RATE_HZ / LSD_FFT;
  const edges: number[] = [];
  for (let b = 0; b <= LSD_BANDS; b++) {
    const hz = LSD_LOW_HZ * (LSD_HIGH_HZ / LSD_LOW_HZ) ** (b / LSD_BANDS);
    edges.push(Math.max(edges.length ? edges[edges.length - 1]! + 1 : 0, Math.round(hz / binHz)));
  }
  return edges;
}
const BAND_EDGES = bandEdges();

/** Log power (dB) of each band of one Hann-windowed 20 ms frame. */
function bandSpectrum(x: Int16Array, off: number, out: Float64Array): void {
  const re = new Float64Array(LSD_FFT), im = new Float64Array(LSD_FFT);
  for (let i = 0; i < VOICE_FRAME_SAMPLES; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (VOICE_FRAME_SAMPLES - 1));
    re[i] = ((x[off + i] ?? 0) / FULL_SCALE) * w;
  }
  fft(re, im);
  for (let b = 0; b < LSD_BANDS; b++) {
    let p = 0;
    for (let k = BAND_EDGES[b]!; k < BAND_EDGES[b + 1]!; k++) p += re[k]! * re[k]! + im[k]! * im[k]!;
    out[b] = 10 * Math.log10(p / (BAND_EDGES[b + 1]! - BAND_EDGES[b]!) + 1e-30);
  }
}

export function frameDbfs(x: Int16Array, off: number): number {
  let e = 0;
  for (let i = 0; i < VOICE_FRAME_SAMPLES; i++) {
    const s = (x[off + i] ?? 0) / FULL_SCALE;
    e += s * s;
  }
  return 10 * Math.log10(e / VOICE_FRAME_SAMPLES + 1e-30);
}

/**
 * Mean log-spectral distance (dB) between reference and degraded (aligned so that degraded
 * sample i + lag matches reference sample i) over the reference's speech-active frames.
 */
export function logSpectralDistance(reference: Int16Array, degraded: Int16Array, lag = 0): number {
  const a = new Float64Array(LSD_BANDS), b = new Float64Array(LSD_BANDS);
  const empty = new Int16Array(0);
  let sum = 0, frames = 0;
  for (let off = 0; off + VOICE_FRAME_SAMPLES <= reference.length; off += VOICE_FRAME_SAMPLES) {
    if (frameDbfs(reference, off) < LSD_ACTIVE_DBFS) continue;
    bandSpectrum(reference, off, a);
    bandSpectrum(off + lag >= 0 ? degraded : empty, off + lag, b);
    let peak = -Infinity;
    for (let k = 0; k < LSD_BANDS; k++) peak = Math.max(peak, a[k]!);
    const floor = peak - LSD_DYNAMIC_RANGE_DB;
    let d = 0;
    for (let k = 0; k < LSD_BANDS; k++) d += (Math.max(floor, a[k]!) - Math.max(floor, b[k]!)) ** 2;
    sum += Math.sqrt(d / LSD_BANDS);
    frames += 1;
  }
  return frames > 0 ? sum / frames : 0;
}

/**
 * Correlation window by window: each `windowSamples` window of the reference that holds speech
 * is aligned on its own within ±searchSamples of `lag` (so a jitter buffer that shifted playout
 * by a frame mid-stream is not punished); returns the median of the windows' correlations.
 */
export function windowedCorrelation(reference: Int16Array, degraded: Int16Array, lag: number, windowSamples: number, searchSamples: number): number {
  const scores: number[] = [];
  for (let off = 0; off + windowSamples <= reference.length; off += windowSamples) {
    const win = reference.subarray(off, off + windowSamples);
    if (frameDbfs(win, 0) < LSD_ACTIVE_DBFS && frameDbfs(win, Math.floor(windowSamples / 2)) < LSD_ACTIVE_DBFS) continue;
    const from = Math.max(0, off + lag - searchSamples);
    const to = Math.min(degraded.length, off + lag + windowSamples + searchSamples);
    if (to - from < windowSamples) continue;
    const a = align(win, degraded.subarray(from, to), 0, to - from - windowSamples);
    scores.push(a.correlation);
  }
  scores.sort((x, y) => x - y);
  return scores.length ? scores[Math.floor(scores.length / 2)]! : 0;
}

// Jerk of a sampled path, m/s³: third divided differences over samples at least JERK_SPAN_MS
// apart. Frame-to-frame differences would measure the 1 cm quantisation (±5 mm of position
// noise is ±2000 m/s³ at 16 ms spacing), not smoothness; at 100 ms it is ±40 m/s³ at most,
// while a snap-to-newest-snapshot player or a frozen playout clock give hundreds.
export const JERK_SPAN_MS = 100;

export interface PathSample {
  tMs: number;
  x: number;
  y: number;
  z: number;
}

export function jerkStats(samples: PathSample[]): { samples: number; values: number; p50: number; p90: number; p99: number; max: number } {
  const pts: PathSample[] = [];
  for (const s of samples) if (pts.length === 0 || s.tMs - pts[pts.length - 1].tMs >= JERK_SPAN_MS) pts.push(s);
  const j: number[] = [];
  const axis = (k: 'x' | 'y' | 'z', i: number): number => {
    const [a, b, c, d] = [pts[i], pts[i + 1], pts[i + 2], pts[i + 3]];
    const t = [a.tMs, b.tMs, c.tMs, d.tMs].map((v) => v / 1000);
    const v1 = (b[k] - a[k]) / (t[1] - t[0]),
      v2 = (c[k] - b[k]) / (t[2] - t[1]),
      v3 = (d[k] - c[k]) / (t[3] - t[2]);
    const a1 = (v2 - v1) / ((t[2] - t[0]) / 2),
      a2 = (v3 - v2) / ((t[3] - t[1]) / 2);
    return (a2 - a1) / ((t[3] - t[0]) / 3);
  };
  for (let i = 0; i + 3 < pts.length; i++) j.push(Math.hypot(axis('x', i), axis('y', i), axis('z', i)));
  const s = [...j].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return { samples: samples.length, values: s.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: s[s.length - 1] ?? 0 };
}

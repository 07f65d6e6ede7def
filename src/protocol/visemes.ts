// The viseme set of CC-2: the 15 mouth shapes of Meta's OVRLipSync, numbered as OpenXR's
// XrFaceTrackingVisemeMETA (0-14), which many face rigs and tools already map. The seed's
// "AA, TH, FV" are aa, TH and FF here. Viseme.viseme_id and the bridge's visemeId carry these.
export const VisemeId = {
  sil: 0, // silence, mouth closed
  PP: 1, // p, b, m
  FF: 2, // f, v
  TH: 3, // th
  DD: 4, // t, d
  kk: 5, // k, g
  CH: 6, // tʃ, dʒ, ʃ
  SS: 7, // s, z
  nn: 8, // n, l
  RR: 9, // r
  aa: 10, // a
  E: 11, // e
  ih: 12, // i
  oh: 13, // o
  ou: 14, // u
} as const;
export type VisemeIdValue = (typeof VisemeId)[keyof typeof VisemeId];
export const VISEME_COUNT = 15;
export const VISEME_NAMES = Object.keys(VisemeId) as (keyof typeof VisemeId)[];

/** Senders batch a speaker's viseme changes this long (the seed's 250 ms: four packets a second). */
export const VISEME_BATCH_MS = 250;
/** Receivers show a viseme this long after its time: one batch window plus the network. */
export const VISEME_PLAYOUT_DELAY_MS = 350;
/** A viseme that reaches a receiver later than its playout time plus this is dropped, ms. */
export const VISEME_LATE_MAX_MS = 100;

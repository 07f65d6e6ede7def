// SA-1 on the server: the policy decides (anyone / admins / nobody); a granted spectator's avatar
// is hidden from the others' interest, its interest centre is its camera clamped to the radius
// around its target, the dashboard's mode says whom it watches; it ends on request and when the
// target leaves.
import { describe, expect, it } from 'vitest';
import { SPECTATE_RADIUS_M } from '../../src/server/story/constants.js';
import { sessionViewOf } from '../../src/server/session-view.js';
import { StoryHarness } from './story-harness.js';

describe('SpectateDirector (server side of SA-1)', () => {
  it('grants, hides the avatar, clamps the camera to the radius around the target, labels the mode, and ends', () => {
    const s = new StoryHarness();
    const [v, panam, judy] = [s.add('V', 0, 0), s.add('Panam', 10, 0), s.add('Judy', 1_000, 0)];
    s.h.tick();
    expect(panam.client.known.has(v.conn.avatarId)).toBe(true);
    v.send({ spectateRequest: { peerId: judy.conn.peerId } });
    expect(v.of('spectateGranted')).toEqual([{ peerId: judy.conn.peerId, avatarEntityId: judy.conn.avatarId, radiusM: SPECTATE_RADIUS_M }]);
    s.h.tick();
    expect(panam.client.known.has(v.conn.avatarId)).toBe(false); // hidden
    expect(v.client.known.has(judy.conn.avatarId)).toBe(true); // interest at the camera
    v.send({ spectateCamera: { x: 0, y: 0, z: 0 } });
    expect(v.conn.view).toEqual({ x: 1_000 - SPECTATE_RADIUS_M, y: 0 });
    const view = sessionViewOf(s.h.server, { modeOf: (id) => s.story.modeOf(id) });
    expect(view.peer(v.conn.peerId)!.mode).toBe(`spectating Judy (peer ${judy.conn.peerId})`);
    expect(view.peer(panam.conn.peerId)!.mode).toBe('play');
    v.send({ spectateRequest: { peerId: 0 } });
    expect(v.of('spectateEnded')).toEqual([{ peerId: 0, reason: 'stopped' }]);
    expect(v.conn.view).toBe(null);
    s.h.tick();
    expect(panam.client.known.has(v.conn.avatarId)).toBe(true);
    v.send({ spectateCamera: { x: 0, y: 0, z: 0 } });
    expect(s.refusals(v)).toEqual({ 'spectate/not_spectating': 1 });
  });

  it('refuses oneself, missing peers, spectating spectators, and by policy', () => {
    const s = new StoryHarness({ spectate: 'admins', isAdmin: (c) => c.name === 'Admin' });
    const [v, admin, judy] = [s.add('V'), s.add('Admin'), s.add('Judy')];
    v.send({ spectateRequest: { peerId: judy.conn.peerId } });
    admin.send({ spectateRequest: { peerId: admin.conn.peerId } });
    admin.send({ spectateRequest: { peerId: 4_000 } });
    admin.send({ spectateRequest: { peerId: judy.conn.peerId } });
    expect(v.of('storyRefused').map((r) => r.reason)).toEqual(['admins_only']);
    expect(admin.of('storyRefused').map((r) => r.reason)).toEqual(['self', 'no_such_peer']);
    expect(admin.of('spectateGranted')).toHaveLength(1);
    const off = new StoryHarness({ spectate: 'nobody' });
    const [a, b] = [off.add('A'), off.add('B')];
    a.send({ spectateRequest: { peerId: b.conn.peerId } });
    expect(a.of('storyRefused').map((r) => r.reason)).toEqual(['policy_nobody']);
  });

  it('the target leaving sends the spectator back to play', () => {
    const s = new StoryHarness();
    const [v, judy] = [s.add('V'), s.add('Judy', 500, 0)];
    v.send({ spectateRequest: { peerId: judy.conn.peerId } });
    judy.client.quit();
    s.h.pump();
    expect(v.of('spectateEnded')).toEqual([{ peerId: 0, reason: 'target left' }]);
    expect(s.story.spectate.targetOf(v.conn.peerId)).toBe(null);
    expect(s.h.server.world.hidden.size).toBe(0);
  });
});

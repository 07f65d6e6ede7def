// End to end (coop-server + 3 sidecars as processes, 3 headless games): `/spectate <peer>` typed
// in V's console is granted; V's game enters free-fly; V's interest follows the camera to Judy
// (1 km away) but not beyond the server's radius around her; V's avatar disappears from Panam's
// game. Refusals (oneself, a missing peer, a malformed command) carry their reason. Each way
// back to play: `/spectate` again, the target leaving, and the spectator being kicked.
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../helpers/wait.js';
import { StoryRig, type Player } from './story-procs.js';

const rig = new StoryRig();
afterAll(() => rig.stop());
const avatarNames = (p: Player) => {
  const names = new Map<number, string>();
  for (const s of p.inbound('SpawnProxy')) if (s.kind === 0) names.set(s.entityId as number, s.template as string);
  return names;
};
/** Names of the avatars the game currently shows (spawned and not despawned since). */
function shown(p: Player): string[] {
  const names = avatarNames(p),
    live = new Set<number>();
  for (const l of p.lines) {
    if (l.dir !== 'in') continue;
    const m = l.msg as { entityId: number; kind?: number };
    if (l.type === 'SpawnProxy' && m.kind === 0) live.add(m.entityId);
    if (l.type === 'DespawnProxy') live.delete(m.entityId);
  }
  return [...live].map((id) => names.get(id)!).sort();
}
const state = (p: Player, key: string) => p.host.context.state.get(key);

describe('story sync end to end: spectator (SA-1)', () => {
  it('grant: free-fly, interest follows the camera within the radius, avatar hidden; refusals with reasons; /spectate again ends it', async () => {
    await rig.startServer();
    const v = await rig.join('V', 0, 0, 0);
    const panam = await rig.join('Panam', 0, 10, 0);
    const judy = await rig.join('Judy', 0, 1_000, 0);
    await until(() => shown(v).join() === 'Panam' && shown(panam).join() === 'V', 'V and Panam see each other');

    await v.act({ do: 'console', text: `/spectate ${v.peerId}` });
    await v.act({ do: 'console', text: '/spectate 999' });
    await v.act({ do: 'console', text: '/spectate judy' });
    await until(() => v.inbound('SpectateRefused').length === 3, 'three refusals');
    // the malformed one is answered by V's own sidecar, so it may come first
    const reasons = v
      .inbound('SpectateRefused')
      .map((r) => String(r.reason).replace(/^usage: .*/, 'usage'))
      .sort();
    expect(reasons).toEqual(['no_such_peer', 'self', 'usage']);

    await v.act({ do: 'console', text: `/spectate ${judy.peerId}` });
    await until(() => state(v, 'spectating') === true, 'V spectating');
    expect(v.inbound('SpectateEnter')[0]).toEqual({ targetEntityId: expect.any(Number), disableCollision: true, hideHud: true });
    // interest follows the camera to Judy: V's game shows her now, and Panam (1 km back) no more
    await until(() => shown(v).join() === 'Judy', 'V sees Judy, not Panam');
    // V's avatar is gone from the others' games
    await until(() => shown(panam).length === 0, 'V hidden from Panam');
    expect(shown(judy)).toEqual([]);
    // the camera flies back home: the server keeps it within its radius around Judy
    await v.act({ do: 'send', message: 'SpectateCamera', fields: { pos: { x: 5, y: 0, z: 0 } } });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(shown(v)).toEqual(['Judy']);

    await v.act({ do: 'console', text: '/spectate' });
    await until(() => state(v, 'spectating') === false, 'V back to play');
    expect(v.inbound('SpectateExit')).toEqual([{ reason: 'stopped' }]);
    await until(() => shown(panam).join() === 'V' && shown(v).join() === 'Panam', 'V back beside Panam, visible again');
  }, 180_000);

  it('the target leaving ends it', async () => {
    const [v, , judy] = rig.players as [Player, Player, Player];
    await v.act({ do: 'console', text: `/spectate ${judy.peerId}` });
    await until(() => state(v, 'spectating') === true, 'V spectating Judy');
    judy.sidecar.child.kill('SIGINT');
    await until(() => state(v, 'spectating') === false, 'V back to play');
    expect(v.inbound('SpectateExit').at(-1)).toEqual({ reason: 'target left' });
  }, 60_000);

  it('being kicked ends it (the game goes back to play before the sidecar stops)', async () => {
    const [v, panam] = rig.players as [Player, Player];
    await v.act({ do: 'console', text: `/spectate ${panam.peerId}` });
    await until(() => state(v, 'spectating') === true, 'V spectating Panam');
    rig.console(`kick ${v.peerId}`);
    await until(() => state(v, 'spectating') === false, 'V back to play');
    expect(v.inbound('SpectateExit').at(-1)!.reason as string).toMatch(/kicked|disconnected by server/);
  }, 60_000);
});

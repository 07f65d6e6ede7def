// The native path's thread (native-shims/sidecar/native_path.c through src/sidecar/native-path.ts)
// between a game's bridge (a TypeScript game in this process), the relay bridge Node's side opens,
// and a UDP "server" socket: frames relayed both ways with the game's pid and heartbeat; out of the
// world the player's transforms go to Node; in the world the thread decodes the server's
// snapshots, spawns and moves the game's proxies, sends the input with the snapshot's ack in it,
// and hands Node whatever else a datagram held.
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openBridge, type Bridge, type Msg } from '../../bridge/index.js';
import { UdpTransport } from '../../src/net/enet/index.js';
import { ENET_HOST_DEFAULT_MTU } from '../../src/net/enet/constants.js';
import { decodeMsg, encodeMsg } from '../../src/protocol/codec.js';
import { VoiceEncoder } from '../../src/voice/encoder.js';
import { VOICE_FRAME_SAMPLES, VOICE_SAMPLE_RATE_HZ } from '../../src/voice/constants.js';
import { encodeSnapshotEnvelope } from '../../src/protocol/snapshot-envelope.js';
import { NativePath } from '../../src/sidecar/native-path.js';
import { PATH_COUNTERS, PATH_ITEM_DATAGRAM, PATH_ITEM_RELIABLE } from '../../src/sidecar/path-native.js';
import { SnapshotReceiver } from '../../src/sidecar/snapshot-receiver.js';
import { citySnapshots } from './city-snapshots.js';

const WAIT = { timeout: 5_000, interval: 2 };
const CHANNEL_SNAPSHOT = 1;
const CHANNEL_VOICE = 2;
/** ENet's command numbers and header flag (src/net/enet/protocol.ts). */
const SEND_UNRELIABLE = 7;
const PING = 5;
const FLAG_ACKNOWLEDGE = 0x80;
const HEADER_FLAG_SENT_TIME = 0x8000;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let n = 0;
const bridgeName = () => `np-${process.pid}-${n++}`;
const pt = (x: number): Msg<'PlayerTransform'> => ({ entityId: 7, pos: { x, y: 2, z: 3 }, rot: { x: 0, y: 0, z: 0, w: 1 }, vel: { x: 1, y: 0, z: 0 } });

/** A game bridge, the path on it, and Node's bridge on the relay. */
function relayed() {
  const name = bridgeName();
  const game = openBridge({ name, role: 'game' });
  const path = NativePath.open(name, performance.now());
  const node = openBridge({ name: path.relayName, role: 'sidecar' });
  cleanups.push(
    () => game.close(),
    () => path.close(),
    () => node.close(),
  );
  return { game, path, node };
}

function collect<
  K extends 'PlayerTransform' | 'ConsoleCommand' | 'Notification' | 'SpawnProxy' | 'RemoteEntityStates' | 'DespawnProxy' | 'VoicePlayback' | 'VisemePlay',
>(b: Bridge, kind: K): Msg<K>[] {
  const got: Msg<K>[] = [];
  b.on(kind, (m) => void got.push(structuredClone(m) as Msg<K>));
  return got;
}

/** One server → client datagram: optional sent time and a ping, then unreliable sends on `channel`. */
function serverDatagram(payloads: Uint8Array[], withPing: boolean, firstSeq = 1, channel = CHANNEL_SNAPSHOT): Uint8Array {
  const parts: number[] = [];
  const u16 = (v: number) => parts.push(v >> 8, v & 0xff);
  u16(withPing ? HEADER_FLAG_SENT_TIME : 0);
  if (withPing) {
    u16(1234);
    parts.push(PING | FLAG_ACKNOWLEDGE, 0xff);
    u16(1);
  }
  payloads.forEach((p, i) => {
    parts.push(SEND_UNRELIABLE, channel);
    u16(0);
    u16(firstSeq + i);
    u16(p.length);
    parts.push(...p);
  });
  return Uint8Array.from(parts);
}

describe('the native path', () => {
  it("names its counters as coop_path.h does, in the header's order", () => {
    const header = readFileSync(new URL('../../native-shims/include/coop_path.h', import.meta.url), 'utf8');
    const indices = [...header.matchAll(/#define COOP_PATH_C_(\w+) (\d+)/g)].map((m) => [m[1]!.toLowerCase().replace(/_/g, ''), Number(m[2])] as const);
    expect(indices.map(([, i]) => i)).toEqual(PATH_COUNTERS.map((_, i) => i));
    expect(indices.map(([name]) => name)).toEqual(PATH_COUNTERS.map((c) => c.toLowerCase()));
  });

  it("relays frames both ways, the game's pid and heartbeat; out of the world the transforms go to Node", async () => {
    const { game, path, node } = relayed();
    const transforms = collect(node, 'PlayerTransform');
    const commands = collect(node, 'ConsoleCommand');
    const notes = collect(game, 'Notification');
    const attached = new Promise<number>((resolve) => node.once('peerAttached', (e) => resolve(e.pid)));
    game.send('PlayerTransform', pt(1));
    game.send('ConsoleCommand', { text: '/spectate 2' });
    node.send('Notification', { kind: 1, title: 'coop', text: 'hello', durationMs: 10 });
    await vi.waitUntil(() => transforms.length === 1 && commands.length === 1 && notes.length === 1, WAIT);
    expect(transforms[0]!.pos.x).toBe(1);
    expect(commands[0]!.text).toBe('/spectate 2');
    expect(notes[0]!.text).toBe('hello');
    expect(await attached).toBe(process.pid); // the game's pid, copied into the relay
    expect(path.lastTransform()?.pos).toEqual({ x: 1, y: 2, z: 3 });
    const c = path.counters();
    expect(c.framesToNode).toBe(2);
    expect(c.framesToGame).toBe(1);
    expect(c.framesNative).toBe(0);
  });

  it("counts a game's frame with a bad length, drops what it held back, and relays what comes after", async () => {
    const { game, path, node } = relayed();
    const commands = collect(node, 'ConsoleCommand');
    expect(game.writeBadLengthFrameForTest(1 << 30)).toBe(true);
    await vi.waitUntil(() => path.counters().malformed === 1, WAIT);
    game.send('ConsoleCommand', { text: 'after' });
    await vi.waitUntil(() => commands.length === 1, WAIT);
    expect(commands[0]!.text).toBe('after');
  });

  describe('in the world, with the socket', () => {
    let server: Socket;
    async function linked() {
      const r = relayed();
      server = createSocket('udp4');
      await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
      cleanups.push(() => server.close());
      const transport = await UdpTransport.bind({ address: '127.0.0.1', port: 0, connectTo: { address: '127.0.0.1', port: server.address().port } });
      cleanups.push(() => transport.close());
      const fd = transport.handReadingOver();
      expect(fd).toBeGreaterThanOrEqual(0);
      const items: { kind: number; bytes: Uint8Array }[] = [];
      r.path.attachSocket(fd, (kind, bytes) => items.push({ kind, bytes }));
      cleanups.push(() => r.path.detachSocket());
      const toServer: Uint8Array[] = [];
      server.on('message', (m) => toServer.push(new Uint8Array(m)));
      const client = transport.localAddress();
      const sendToClient = (d: Uint8Array) => server.send(d, client.port, '127.0.0.1');
      return { ...r, items, toServer, sendToClient };
    }

    it('decodes the snapshots, spawns and moves the proxies, and acks in the input', async () => {
      const { game, path, items, toServer, sendToClient } = await linked();
      const spawns = collect(game, 'SpawnProxy');
      const states = collect(game, 'RemoteEntityStates');
      path.enterWorld({
        outgoingPeerId: 3,
        outgoingSessionId: 1,
        channel: CHANNEL_SNAPSHOT,
        reliableSeq: 0,
        unreliableSeq: 10,
        inputSeq: 100,
        interpDelayMs: 0,
      });
      const snaps = citySnapshots(3);
      const ids = new SnapshotReceiver().receive(snaps[0]!.tick, 0, snaps[0]!.data);
      if (!ids.ok) throw new Error('the city snapshot did not decode');
      const known = [...ids.state.ids].slice(0, 5);
      known.forEach((id) => path.known(id, 1, `npc-${id}`));
      const envelopes = snaps.map((s, i) => encodeSnapshotEnvelope({ tick: s.tick, baseTick: s.baseTick, serverTimeMs: 1000 + 25 * i, tickMs: 25 }, s.data));
      // the first with a ping beside it (that part goes to Node), the others alone
      sendToClient(serverDatagram([envelopes[0]!], true));
      await vi.waitUntil(() => path.counters().snapshots === 1, WAIT);
      sendToClient(serverDatagram([envelopes[1]!, envelopes[2]!], false, 2));
      await vi.waitUntil(() => path.counters().snapshots === 3, WAIT);
      // a delay under a frame shows each snapshot as it comes: the known entities spawned, then moved
      await vi.waitUntil(() => spawns.length === known.length && states.length > 0, WAIT);
      expect(spawns.map((s) => s.entityId).sort()).toEqual([...known].sort());
      expect(spawns.every((s) => s.template === `npc-${s.entityId}` && s.kind === 1)).toBe(true);
      expect(new Set(states.flatMap((f) => f.states.map((s) => s.entityId)))).toEqual(new Set(known));
      // what the first datagram held besides the snapshot came to Node: its header, sent time and ping
      expect(items.map((i) => i.kind)).toEqual([PATH_ITEM_DATAGRAM]);
      expect([...items[0]!.bytes]).toEqual([...serverDatagram([], true)]);

      // a game frame: the input goes up, numbered after the channel's last send. The newest
      // snapshot's ack rode in it, or went alone (SnapshotAck) when the game had been quiet for
      // two frames when the snapshot came: either way it went.
      game.send('PlayerTransform', pt(5));
      // every datagram the thread sent has come: its lone acks and the input
      await vi.waitUntil(() => {
        const c = path.counters();
        return c.inputsSent === 1 && toServer.length === c.acksSent + c.inputsSent;
      }, WAIT);
      const sent = toServer.map((d) => {
        expect(((d[0]! << 8) | d[1]!) & 0x0fff).toBe(3); // the server's id for us
        expect([d[2], d[3]]).toEqual([SEND_UNRELIABLE, CHANNEL_SNAPSHOT]);
        const m = decodeMsg(d.subarray(10));
        if (!m.ok) throw new Error('not a message');
        return { seq: (d[6]! << 8) | d[7]!, m: m.msg };
      });
      expect(sent.map((x) => x.seq)).toEqual(sent.map((_, i) => 11 + i)); // numbered in order from the link's
      expect(sent.at(-1)!.m.playerState).toMatchObject({ x: 5, y: 2, z: 3, vx: 1, seq: 101 });
      const acked = sent.map((x) => x.m.snapshotAck?.tick ?? x.m.playerState?.ackTick ?? 0);
      expect(acked).toContain(snaps[2]!.tick);
      expect(path.counters().framesNative).toBe(1);

      // leaving the world hands the numbers back; the frames go to Node again
      const back = path.leaveWorld();
      expect([back.unreliableSeq, back.inputSeq]).toEqual([10 + sent.length, 101]);
      const toNode = path.counters().framesToNode;
      game.send('PlayerTransform', pt(6));
      await vi.waitUntil(() => path.counters().framesToNode === toNode + 1, WAIT);
      path.forgetAll();
      const despawns = collect(game, 'DespawnProxy');
      await vi.waitUntil(() => despawns.length === known.length, WAIT);
    });

    it("plays others' voices: the mixed frames and the talker's mouth to the game, the mic icon to Node", async () => {
      const { game, path, sendToClient } = await linked();
      const played = collect(game, 'VoicePlayback');
      const mouths = collect(game, 'VisemePlay');
      const talking: [number, boolean][] = [];
      path.onTalking = (peer, on) => talking.push([peer, on]);
      expect(path.playVoice(CHANNEL_VOICE)).toBeNull();
      path.voiceAvatar(4, 77);
      path.serverClock(5_000 - performance.now());
      path.enterWorld({
        outgoingPeerId: 3,
        outgoingSessionId: 1,
        channel: CHANNEL_SNAPSHOT,
        reliableSeq: 0,
        unreliableSeq: 0,
        inputSeq: 0,
        interpDelayMs: 100,
      });
      // peer 4 says "aaa" (a loud 220 Hz tone) for 30 frames, one packet every 20 ms
      const enc = new VoiceEncoder();
      cleanups.push(() => enc.close());
      for (let i = 0; i < 30; i++) {
        const pcm = new Int16Array(VOICE_FRAME_SAMPLES);
        for (let k = 0; k < pcm.length; k++) pcm[k] = Math.round(12_000 * Math.sin((2 * Math.PI * 220 * (i * VOICE_FRAME_SAMPLES + k)) / VOICE_SAMPLE_RATE_HZ));
        const msg = encodeMsg({ voice: { seq: i + 1, timestamp: i * VOICE_FRAME_SAMPLES, opusBytes: enc.encodeFrame(pcm), fromPeerId: 4 } });
        sendToClient(serverDatagram([msg], false, i + 1, CHANNEL_VOICE));
        await new Promise((r) => setTimeout(r, 20));
      }
      await vi.waitUntil(() => path.counters().voicePackets === 30 && played.length >= 20, WAIT);
      const loudest = Math.max(...played.map((f) => Math.max(...new Int16Array(f.pcm.buffer.slice(f.pcm.byteOffset, f.pcm.byteOffset + f.pcm.byteLength)))));
      expect(loudest).toBeGreaterThan(5_000); // the voice, not silence
      const seqs = played.map((f) => f.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b)); // frames in playout order
      expect(talking[0]).toEqual([4, true]);
      await vi.waitUntil(() => mouths.length > 0, WAIT);
      expect(mouths[0]!.npcId).toBe(77);
      expect(mouths[0]!.serverTimeMs).toBeGreaterThan(4_000); // stamped on the server's clock
      // the talk ends: the icon goes off
      await vi.waitUntil(() => talking.some(([p, on]) => p === 4 && !on), { timeout: 5_000, interval: 20 });
    });

    it("hands Node a payload to send reliably when the channel's unreliable numbers run out", async () => {
      const { path, items, toServer } = await linked();
      path.enterWorld({
        outgoingPeerId: 3,
        outgoingSessionId: 1,
        channel: CHANNEL_SNAPSHOT,
        reliableSeq: 4,
        unreliableSeq: 0xfffe,
        inputSeq: 0,
        interpDelayMs: 100,
      });
      expect(path.send(Uint8Array.of(1, 2, 3))).toBe(0); // number 0xffff, the last unreliable one
      expect(path.send(Uint8Array.of(4, 5))).toBe(1); // then ENet must send reliably
      expect(path.send(Uint8Array.of(6))).toBe(-1); // until it says the channel's new numbers
      await vi.waitUntil(() => toServer.length === 1 && items.length === 1, WAIT);
      expect([(toServer[0]![6]! << 8) | toServer[0]![7]!]).toEqual([0xffff]);
      expect(items[0]!.kind).toBe(PATH_ITEM_RELIABLE);
      expect([...items[0]!.bytes]).toEqual([4, 5]);
      path.setChannelSeqs(5, 0);
      expect(path.send(Uint8Array.of(7))).toBe(0);
      await vi.waitUntil(() => toServer.length === 2, WAIT);
      expect([(toServer[1]![4]! << 8) | toServer[1]![5]!, (toServer[1]![6]! << 8) | toServer[1]![7]!]).toEqual([5, 1]);
      // up to a datagram of ENet's default MTU (1392) less its header and command (10); no more
      expect(path.send(new Uint8Array(ENET_HOST_DEFAULT_MTU - 10 + 1))).toBe(-1);
      expect(path.send(new Uint8Array(ENET_HOST_DEFAULT_MTU - 10).fill(8))).toBe(0);
      await vi.waitUntil(() => toServer.length === 3, WAIT);
      expect(toServer[2]!.length).toBe(ENET_HOST_DEFAULT_MTU);
    });
  });
});

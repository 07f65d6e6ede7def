// The in-process server harness (test/server/harness.ts) with the story plugin on the same
// manual clock, and per-peer inboxes of the story messages each client received.
import { Harness, at, type TestPeer } from '../server/harness.js';
import { storyPlugin, type StoryPlugin, type StoryPluginOptions } from '../../src/server/story-plugin.js';
import type { EMsg } from '../../src/protocol/schema.gen.js';

export interface StoryPeer extends TestPeer {
  got: { kind: string; msg: EMsg }[];
  /** Sends one message to the server and delivers everything queued. */
  send(msg: EMsg): void;
  /** Received messages of one kind, oldest first. */
  of<K extends keyof EMsg>(kind: K): NonNullable<EMsg[K]>[];
}

export class StoryHarness {
  readonly h: Harness;
  readonly story: StoryPlugin;
  /** Deferred work (redundant copies), run by runLater(). */
  readonly later: (() => void)[] = [];

  constructor(opts: Partial<StoryPluginOptions> = {}) {
    this.h = new Harness();
    this.story = storyPlugin(this.h.server, { now: () => this.h.t, later: (_ms, fn) => this.later.push(fn), ...opts });
    this.h.server.use(this.story);
  }

  add(name: string, x = 0, y = 0): StoryPeer {
    const got: StoryPeer['got'] = [];
    const p = this.h.add(name, at(x, y), { events: { other: (kind, msg) => got.push({ kind, msg }) } });
    const peer: StoryPeer = {
      ...p,
      got,
      send: (msg) => {
        p.client.sendRaw(msg);
        this.h.pump();
      },
      of: (kind) => got.filter((g) => g.kind === kind).map((g) => g.msg[kind]!) as never,
    };
    return peer;
  }

  runLater(): void {
    for (const fn of this.later.splice(0)) fn();
    this.h.pump();
  }

  refusals(p: TestPeer): Record<string, number> {
    return this.story.rejections.of(p.conn.peerId);
  }
}

// The headless game host: opens the bridge in the game role and plays a scenario once the
// sidecar attaches, logging every message both ways as JSON lines. In echo mode it decodes
// every inbound message and sends it straight back (re-encoded), for byte-exact tests and
// bench:bridge.
import { openBridge, type Bridge, type BridgeOptions, type MessageMap, type MessageName } from '../../bridge/index.js';
import { checkSteps, runStep } from './actions.js';
import type { SimContext } from './context.js';
import type { LogSink } from './log.js';
import { react } from './reactions.js';
import { proxiesOf } from './proxies.js';
import type { Scenario } from './scenario.js';
import { machineClock, type Clock } from '../util/clock.js';

export interface SimHostOptions {
  bridge: BridgeOptions;
  scenario: Scenario;
  log: LogSink;
  echo?: boolean;
  /** Do not log PlayerTransform/RemoteEntityState(s) lines (the per-frame noise). */
  quietFrames?: boolean;
  /** Log lifecycle events only, no traffic (bench, bulk tests). */
  quiet?: boolean;
  /** Stop after the scenario's last step (and its pause) instead of waiting for the sidecar. */
  exitWhenDone?: boolean;
  /** This game's clock (default: the machine's monotonic clock). */
  clock?: Clock;
}

/** Shortest round of a repeating scenario, ms (see #play). */
export const SCENARIO_REPEAT_MIN_MS = 1_000;
const FRAME_NOISE = new Set<MessageName>(['PlayerTransform', 'RemoteEntityState', 'RemoteEntityStates', 'VoicePlayback', 'MicAudioFrame']);

export class SimHost {
  readonly bridge: Bridge;
  readonly #o: SimHostOptions;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #atStop: Array<() => void> = [];
  readonly #ctx: SimContext;
  #stopped = false;

  constructor(o: SimHostOptions) {
    checkSteps(o.scenario.steps);
    this.#o = o;
    this.bridge = openBridge({ ...o.bridge, role: 'game' });
    const log = o.log;
    const clock = o.clock ?? machineClock;
    this.#ctx = {
      bridge: this.bridge,
      scenario: o.scenario,
      log,
      state: new Map(),
      now: () => clock.now(),
      send: (name, msg) => {
        if (this.#stopped) return;
        this.bridge.send(name, msg);
        if (!o.quiet && !(o.quietFrames && FRAME_NOISE.has(name))) log({ dir: 'out', type: name, msg });
      },
      after: (ms, fn) => {
        const t = setTimeout(() => {
          this.#timers.delete(t);
          if (!this.#stopped) fn();
        }, ms);
        this.#timers.add(t);
      },
      atStop: (fn) => void this.#atStop.push(fn),
      every: (ms, fn) => {
        const t = setInterval(() => {
          if (this.#stopped || !fn()) {
            clearInterval(t);
            this.#timers.delete(t);
          }
        }, ms);
        this.#timers.add(t);
      },
    };
    this.bridge.onAny((name, msg) => this.#inbound(name, msg));
    this.bridge.on('peerAttached', ({ pid }) => {
      log({ event: 'peerAttached', pid });
      void this.#play();
    });
    this.bridge.on('peerGone', ({ reason }) => log({ event: 'peerGone', reason }));
    this.bridge.on('closed', ({ reason }) => {
      log({ event: 'closed', reason, counters: this.bridge.counters(), proxies: proxiesOf(this.#ctx.state).counters });
      this.#stopTimers();
    });
    log({
      event: 'open',
      bridge: this.bridge.name,
      role: 'game',
      created: this.bridge.created,
      ringBytes: this.bridge.ringBytes,
      scenario: o.scenario.name,
      pid: process.pid,
    });
  }

  get context(): SimContext {
    return this.#ctx;
  }

  #inbound(name: MessageName, msg: MessageMap[MessageName]): void {
    if (!this.#o.quiet && !(this.#o.quietFrames && FRAME_NOISE.has(name))) this.#o.log({ dir: 'in', type: name, msg });
    if (this.#o.echo) {
      this.bridge.send(name, msg);
      return;
    }
    react(name, msg, this.#ctx);
  }

  async #play(): Promise<void> {
    const { steps, repeat, endPauseMs } = this.#o.scenario;
    do {
      const t0 = performance.now();
      for (const step of steps) {
        const wait = step.at - (performance.now() - t0);
        if (wait > 0) await new Promise<void>((r) => this.#ctx.after(wait, r));
        if (this.#stopped) return;
        try {
          await runStep(step, this.#ctx);
        } catch (err) {
          this.#o.log({ event: 'stepFailed', step: step.do, at: step.at, error: (err as Error).message });
        }
      }
      // A repeating scenario whose steps take no time would spin and starve the bridge's
      // heartbeat: each round lasts at least SCENARIO_REPEAT_MIN_MS.
      const pause = Math.max(endPauseMs, repeat ? SCENARIO_REPEAT_MIN_MS - (performance.now() - t0) : 0);
      if (pause > 0) await new Promise<void>((r) => this.#ctx.after(pause, r));
      if (this.#stopped) return;
      this.#o.log({ event: 'scenarioDone', name: this.#o.scenario.name });
    } while (repeat && !this.#o.exitWhenDone && !this.#stopped);
    if (this.#o.exitWhenDone) {
      await this.bridge.flushed();
      await this.stop('scenario done');
    }
  }

  #stopTimers(): void {
    this.#stopped = true;
    for (const fn of this.#atStop.splice(0)) {
      try {
        fn();
      } catch (err) {
        this.#o.log({ event: 'atStopFailed', error: (err as Error).message });
      }
    }
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  async stop(reason = 'stopped'): Promise<void> {
    this.#stopTimers();
    await this.bridge.close(reason);
  }
}

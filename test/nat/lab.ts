// The NAT lab: Linux network namespaces made by the tests (root needed). Nothing is routed out:
// every address below exists only inside these namespaces.
//
//   pub  (the internet): lo 10.200.0.1 = coturn + coop-master; pa0 10.200.1.1 ─ rA; pb0 10.200.2.1 ─ rB
//   rA   (NAT router):   wan0 10.200.1.2, lan0 10.201.1.1, MASQUERADE out of wan0
//   rB   (NAT router):   wan0 10.200.2.2, lan0 10.201.2.1, MASQUERADE out of wan0
//   pA   (player A):     eth0 10.201.1.2, default via rA
//   pB   (player B):     eth0 10.201.2.2, default via rB
//
// 'eim' routers keep source ports (endpoint-independent mapping); 'symmetric' routers pick a
// random port per flow (MASQUERADE --random-fully). Interface names avoid "veth*", which
// werift-ice ignores when it gathers host candidates.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export type NatKind = 'eim' | 'symmetric';
export const LAB_PUBLIC_IP = '10.200.0.1';

export interface Lab {
  ns: { pub: string; sink: string; rA: string; rB: string; pA: string; pB: string };
  spawnIn(ns: string, argv: string[]): ChildProcess;
  close(): void;
}

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
function inNs(ns: string, argv: string[]): void {
  execFileSync('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** True when this process may build the lab (root, ip and iptables present). */
export function labAvailable(): boolean {
  try {
    if (process.getuid?.() !== 0) return false;
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    execFileSync('iptables', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const live = new Set<string>();
let exitHookInstalled = false;
function deleteNamespaces(names: Iterable<string>): void {
  const list = [...names];
  // Every process still running in a lab namespace is ours (e.g. coturn under the master).
  for (const n of list) {
    let pids: string[] = [];
    try {
      pids = execFileSync('ip', ['netns', 'pids', n], { encoding: 'utf8' }).split('\n').filter(Boolean);
    } catch {
      /* gone */
    }
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        /* exited */
      }
    }
  }
  for (const n of list) {
    try {
      execFileSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
    live.delete(n);
  }
}

export function createLab(kind: NatKind): Lab {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => deleteNamespaces([...live]));
  }
  const tag = `cb${randomBytes(3).toString('hex')}`;
  const ns = { pub: `${tag}-pub`, sink: `${tag}-sink`, rA: `${tag}-rA`, rB: `${tag}-rB`, pA: `${tag}-pA`, pB: `${tag}-pB` };
  const children: ChildProcess[] = [];
  try {
    for (const n of Object.values(ns)) {
      ip(['netns', 'add', n]);
      live.add(n);
      inNs(n, ['ip', 'link', 'set', 'lo', 'up']);
    }
    inNs(ns.pub, ['ip', 'addr', 'add', `${LAB_PUBLIC_IP}/32`, 'dev', 'lo']);
    inNs(ns.pub, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    // Like the internet, the public side swallows packets to private addresses it cannot reach
    // (a 'sink' namespace that does not forward drops them) instead of failing the send: coturn closes an allocation
    // whose relay socket gets a send error.
    ip(['link', 'add', 'void0', 'netns', ns.pub, 'type', 'veth', 'peer', 'name', 'sink0', 'netns', ns.sink]);
    inNs(ns.pub, ['ip', 'addr', 'add', '10.199.0.1/30', 'dev', 'void0']);
    inNs(ns.pub, ['ip', 'link', 'set', 'void0', 'up']);
    inNs(ns.sink, ['ip', 'addr', 'add', '10.199.0.2/30', 'dev', 'sink0']);
    inNs(ns.sink, ['ip', 'link', 'set', 'sink0', 'up']);
    inNs(ns.sink, ['sysctl', '-qw', 'net.ipv4.ip_forward=0']);
    inNs(ns.pub, ['ip', 'route', 'add', 'default', 'via', '10.199.0.2']);
    const routers: [string, string, string, number][] = [
      [ns.rA, ns.pA, 'pa0', 1],
      [ns.rB, ns.pB, 'pb0', 2],
    ];
    for (const [r, p, pubIf, i] of routers) {
      ip(['link', 'add', 'wan0', 'netns', r, 'type', 'veth', 'peer', 'name', pubIf, 'netns', ns.pub]);
      ip(['link', 'add', 'lan0', 'netns', r, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', p]);
      inNs(ns.pub, ['ip', 'addr', 'add', `10.200.${i}.1/24`, 'dev', pubIf]);
      inNs(ns.pub, ['ip', 'link', 'set', pubIf, 'up']);
      inNs(r, ['ip', 'addr', 'add', `10.200.${i}.2/24`, 'dev', 'wan0']);
      inNs(r, ['ip', 'addr', 'add', `10.201.${i}.1/24`, 'dev', 'lan0']);
      inNs(r, ['ip', 'link', 'set', 'wan0', 'up']);
      inNs(r, ['ip', 'link', 'set', 'lan0', 'up']);
      inNs(r, ['ip', 'route', 'add', 'default', 'via', `10.200.${i}.1`]);
      inNs(r, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
      // Like a home router's firewall: drop unsolicited packets to the router itself. Without
      // this, an early hole-punch packet leaves a conntrack entry that makes MASQUERADE pick
      // another port for the outgoing flow (a dropped packet's entry is never confirmed).
      inNs(r, ['iptables', '-A', 'INPUT', '-i', 'wan0', '-m', 'conntrack', '--ctstate', 'NEW,INVALID', '-j', 'DROP']);
      inNs(r, ['iptables', '-t', 'nat', '-A', 'POSTROUTING', '-o', 'wan0', '-j', 'MASQUERADE', ...(kind === 'symmetric' ? ['--random-fully'] : [])]);
      inNs(p, ['ip', 'addr', 'add', `10.201.${i}.2/24`, 'dev', 'eth0']);
      inNs(p, ['ip', 'link', 'set', 'eth0', 'up']);
      inNs(p, ['ip', 'route', 'add', 'default', 'via', `10.201.${i}.1`]);
    }
  } catch (err) {
    deleteNamespaces(Object.values(ns));
    throw new Error(`could not build the NAT lab: ${(err as { stderr?: Buffer }).stderr?.toString().trim() ?? String(err)}`);
  }
  return {
    ns,
    spawnIn(n, argv) {
      const child = spawn('ip', ['netns', 'exec', n, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      return child;
    },
    close() {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      deleteNamespaces(Object.values(ns));
    },
  };
}

/**
 * Collects a child's stdout: JSON lines in `lines` (`waitFor`), every line as text in `text`
 * (`waitForText`).
 */
export class JsonLines {
  readonly lines: Record<string, unknown>[] = [];
  readonly text: string[] = [];
  readonly #textWaiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  stderr = '';
  readonly #waiters: { pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  constructor(readonly child: ChildProcess) {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const text = buf.slice(0, i);
        buf = buf.slice(i + 1);
        this.text.push(text);
        for (const w of [...this.#textWaiters]) {
          const m = w.re.exec(text);
          if (m) {
            this.#textWaiters.splice(this.#textWaiters.indexOf(w), 1);
            w.resolve(m);
          }
        }
        let l: Record<string, unknown>;
        try {
          l = JSON.parse(text) as Record<string, unknown>;
        } catch {
          continue;
        }
        this.lines.push(l);
        for (const w of [...this.#waiters])
          if (w.pred(l)) {
            this.#waiters.splice(this.#waiters.indexOf(w), 1);
            w.resolve(l);
          }
      }
    });
    child.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
  }
  waitForText(re: RegExp, timeoutMs: number, what: string): Promise<RegExpExecArray> {
    for (const t of this.text) {
      const m = re.exec(t);
      if (m) return Promise.resolve(m);
    }
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${what}; stderr: ${this.stderr.slice(-1500)}`)), timeoutMs);
      this.#textWaiters.push({
        re,
        resolve: (m) => {
          clearTimeout(t);
          resolve(m);
        },
      });
      this.child.once('close', (code) => {
        clearTimeout(t);
        reject(new Error(`process exited (${code}) before ${what}; stderr: ${this.stderr.slice(-1500)}`));
      });
    });
  }

  waitFor(pred: (l: Record<string, unknown>) => boolean, timeoutMs: number, what: string): Promise<Record<string, unknown>> {
    const found = this.lines.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${what}; stderr: ${this.stderr.slice(-1500)}`)), timeoutMs);
      this.#waiters.push({
        pred,
        resolve: (l) => {
          clearTimeout(t);
          resolve(l);
        },
      });
      this.child.once('close', (code) => {
        clearTimeout(t);
        reject(new Error(`process exited (${code}) before ${what}; stderr: ${this.stderr.slice(-1500)}`));
      });
    });
  }
}

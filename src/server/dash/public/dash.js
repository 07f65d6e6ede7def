// coop-server dashboard page: polls /status every 2 s, takes live pushes from /ws, renders the
// player table and a small map, and sends admin actions with the admin token. No framework;
// every name from the server is set with textContent (never as HTML).
'use strict';

const POLL_MS = 2000;
const WS_RETRY_MS = 3000;
const SVG_NS = 'http://www.w3.org/2000/svg';
const MAP_SIZE = 300;
const MAP_PAD = 20;
const NONE = '—';
/** /status net.path in words (README "Dashboard"). */
const PATH_WORDS = {
  udp: 'direct UDP',
  host: 'LAN (ICE host)',
  srflx: 'NAT punched (ICE srflx)',
  relay: 'TURN relay',
};
const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];
/** /status server.refusals reasons in words. */
const REFUSAL_WORDS = {
  version: 'old version',
  bad_proof: 'bad identity proof',
  banned: 'banned',
  full: 'server full',
  wrong_session: 'wrong session',
  bad_hello: 'bad hello',
  duplicate: 'already connected',
  password: 'wrong password',
  other: 'other',
};

/** "wrong password 3 · banned 1", or "none". */
function fmtRefusals(r) {
  const parts = Object.entries(r || {})
    .filter(([, n]) => n > 0)
    .map(([why, n]) => `${Object.hasOwn(REFUSAL_WORDS, why) ? REFUSAL_WORDS[why] : why} ${n}`);
  return parts.length ? parts.join(' · ') : 'none';
}

const $ = (id) => document.getElementById(id);
let wsLive = false;

function setConn(state, text) {
  const el = $('conn');
  el.className = `conn ${state}`;
  el.textContent = text;
}

function fmtUptime(s) {
  const h = Math.floor(s / 3600),
    m = Math.floor((s % 3600) / 60),
    sec = Math.floor(s % 60);
  return h > 0 ? `${h}h ${m}m ${sec}s` : m > 0 ? `${m}m ${sec}s` : `${sec}s`;
}

/** Decimal units (1 kB = 1000 B), one decimal above bytes: 12345 → "12.3 kB". */
function fmtBytes(n) {
  let v = Number.isFinite(n) && n > 0 ? n : 0;
  let u = 0;
  while (v >= 1000 && u < BYTE_UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${Math.round(v)} B` : `${v.toFixed(1)} ${BYTE_UNITS[u]}`;
}

function fmtPath(net) {
  if (!net) return NONE;
  const words = Object.hasOwn(PATH_WORDS, net.path) ? PATH_WORDS[net.path] : String(net.path);
  return typeof net.connectMs !== 'number' ? words : `${words}, ${net.connectMs} ms`;
}

function fmtTraffic(net) {
  return net ? `↑ ${fmtBytes(net.bytesSent)} ↓ ${fmtBytes(net.bytesReceived)}` : NONE;
}

function cell(text, cls) {
  const td = document.createElement('td');
  td.textContent = String(text);
  if (cls) td.className = cls;
  return td;
}

function button(label, action, peer) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.dataset.action = action;
  b.dataset.peer = String(peer.id);
  b.addEventListener('click', () => adminAction(action, peer));
  return b;
}

function render(status) {
  const s = status.server;
  $('tickMs').textContent = String(s.tickMs);
  $('frameTimeAvgMs').textContent = s.frameTimeAvgMs.toFixed(2);
  $('entities').textContent = String(s.entities);
  $('uptimeS').textContent = fmtUptime(s.uptimeS);
  $('peerCount').textContent = String(status.peers.length);
  $('refusals').textContent = fmtRefusals(s.refusals);
  const body = $('peers').tBodies[0];
  const rows = status.peers.map((p) => {
    const tr = document.createElement('tr');
    tr.dataset.peer = String(p.id);
    if (p.muted) tr.className = 'muted';
    tr.append(
      cell(p.id, 'num'),
      cell(p.name),
      cell(p.pingMs, 'num'),
      cell(p.location.x.toFixed(1), 'num'),
      cell(p.location.y.toFixed(1), 'num'),
      cell(p.location.z.toFixed(1), 'num'),
      cell(p.mode),
      cell(fmtPath(p.net), 'net-path'),
      cell(fmtTraffic(p.net), 'net-bytes'),
      cell(p.muted ? 'yes' : 'no'),
      cell(p.clockBoundMs === null ? '–' : `±${p.clockBoundMs.toFixed(2)} ms`, 'num clock'),
    );
    const td = document.createElement('td');
    td.append(button('Kick', 'kick', p), button('Ban', 'ban', p), button('Mute', 'mute', p));
    tr.append(td);
    return tr;
  });
  body.replaceChildren(...rows);
  $('empty').className = status.peers.length ? 'hidden' : '';
  renderMap(status.peers);
}

function renderMap(peers) {
  const svg = $('map');
  const nodes = [];
  for (let i = 1; i < 6; i++) {
    const at = (MAP_SIZE / 6) * i;
    nodes.push(svgEl('line', { x1: at, y1: 0, x2: at, y2: MAP_SIZE, class: 'grid' }));
    nodes.push(svgEl('line', { x1: 0, y1: at, x2: MAP_SIZE, y2: at, class: 'grid' }));
  }
  if (peers.length) {
    const xs = peers.map((p) => p.location.x),
      ys = peers.map((p) => p.location.y);
    const minX = Math.min(...xs),
      maxX = Math.max(...xs),
      minY = Math.min(...ys),
      maxY = Math.max(...ys);
    const span = Math.max(maxX - minX, maxY - minY, 50);
    const cx = (minX + maxX) / 2,
      cy = (minY + maxY) / 2;
    const scale = (MAP_SIZE - 2 * MAP_PAD) / span;
    const legend = svgEl('text', { x: 4, y: MAP_SIZE - 4, class: 'legend' });
    legend.textContent = `grid ${Math.round(MAP_SIZE / 6 / scale)} m`;
    nodes.push(legend);
    for (const p of peers) {
      const x = MAP_SIZE / 2 + (p.location.x - cx) * scale;
      const y = MAP_SIZE / 2 - (p.location.y - cy) * scale; // north up
      nodes.push(svgEl('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 5, class: p.muted ? 'dot muted' : 'dot', 'data-peer': p.id }));
      const right = x > MAP_SIZE / 2; // labels point inwards so they are never cut off
      const label = svgEl('text', { x: (right ? x - 8 : x + 8).toFixed(1), y: (y + 4).toFixed(1), 'text-anchor': right ? 'end' : 'start' });
      label.textContent = p.name;
      nodes.push(label);
    }
  }
  svg.replaceChildren(...nodes);
}

function svgEl(name, attrs) {
  const el = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

function showResult(ok, text) {
  const el = $('result');
  el.className = ok ? 'ok' : 'error';
  el.textContent = text;
}

async function adminAction(action, peer) {
  const token = $('token').value.trim();
  sessionStorage.setItem('coopAdminToken', token);
  const body = { peerId: peer.id };
  if (action === 'mute') body.secs = Number($('muteSecs').value);
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    const res = await fetch(`/admin/${action}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const json = await res.json().catch(() => ({}));
    showResult(res.ok, `${res.status}: ${json.text ?? json.error ?? res.statusText}`);
    if (res.ok) void poll();
  } catch (err) {
    showResult(false, `request failed: ${err.message}`);
  }
}

async function poll() {
  try {
    const res = await fetch('/status', { cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    render(await res.json());
    if (!wsLive) setConn('poll', 'polling');
  } catch {
    if (!wsLive) setConn('off', 'server unreachable');
  }
}

function connectWs() {
  const ws = new WebSocket(`ws://${location.host}/ws`);
  ws.addEventListener('open', () => {
    wsLive = true;
    setConn('live', 'live');
  });
  ws.addEventListener('message', (ev) => {
    try {
      const msg = JSON.parse(ev.data);
      if (msg.type === 'status') render(msg.status);
    } catch {
      // ignore a bad frame; the next poll repairs the view
    }
  });
  ws.addEventListener('close', () => {
    wsLive = false;
    setTimeout(connectWs, WS_RETRY_MS);
  });
}

document.addEventListener('DOMContentLoaded', () => {
  $('token').value = sessionStorage.getItem('coopAdminToken') ?? '';
  void poll();
  setInterval(poll, POLL_MS);
  connectWs();
});

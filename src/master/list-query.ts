// GET /api/sessions?name=&free=1&open=1&cursor=&limit= → a ListQuery, or a one-line complaint
// (400). Without parameters the answer is what it always was: the first MASTER_LIST_DEFAULT rows.
import { MASTER_LIST_DEFAULT, MASTER_LIST_MAX, MASTER_LIST_NAME_QUERY_MAX_CHARS } from './constants.js';
import type { ListQuery } from './store/types.js';

const CURSOR = /^[A-Za-z0-9_-]{4,64}$/;
const FLAG = /^(1|true|0|false)$/;

export function listQueryOf(p: URLSearchParams): ListQuery | string {
  const q: ListQuery = { limit: MASTER_LIST_DEFAULT };
  const name = p.get('name');
  if (name !== null) {
    if (name.length > MASTER_LIST_NAME_QUERY_MAX_CHARS) return `name filter longer than ${MASTER_LIST_NAME_QUERY_MAX_CHARS} characters`;
    if (name.length > 0) q.name = name;
  }
  for (const [param, key] of [
    ['free', 'hasSlots'],
    ['open', 'noPassword'],
  ] as const) {
    const v = p.get(param);
    if (v === null) continue;
    if (!FLAG.test(v)) return `${param} must be 1 or 0`;
    q[key] = v === '1' || v === 'true';
  }
  const cursor = p.get('cursor');
  if (cursor !== null) {
    if (!CURSOR.test(cursor)) return 'bad cursor';
    q.after = cursor;
  }
  const limit = p.get('limit');
  if (limit !== null) {
    const n = Number(limit);
    if (!/^\d{1,4}$/.test(limit) || n < 1 || n > MASTER_LIST_MAX) return `limit must be 1–${MASTER_LIST_MAX}`;
    q.limit = n;
  }
  return q;
}

import type { z } from 'zod';
import type { Finding } from '../findings.js';
import { childPath, finding, formatPath } from '../checks/finding.js';
import { decodeDataString } from './data.js';
import { fastContent, fastPayload } from './fast.js';
import { parseJsonExact } from './json.js';
import { DATA_SCHEMAS, EnvelopeSchema, KNOWN_KEYS, PAYLOAD_TYPES, type Content, type Payload, type PayloadType } from './schema.js';

export interface ParsedMessage {
  /** The validated payload, or null when its shape is wrong (then `findings` says why). */
  payload: Payload | null;
  /** The message type when it is a known one, even if the rest is invalid. */
  type: PayloadType | null;
  /** Type and valid data even when the envelope (receiver_id…) is wrong, so limits are still checked. */
  content: Content | null;
  /**
   * The decoded `data` object as given, even when the schema refused it, so link and
   * competitor checks still report on every string that is there.
   */
  data: Record<string, unknown> | null;
  findings: Finding[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A message arrives as parsed JS, as raw JSON text (int64 digits kept exactly), or as
 * the `application/x-www-form-urlencoded` body the API itself takes.
 */
export function messageFromText(raw: string): { ok: true; value: unknown } | { ok: false; message: string } {
  // A byte-order mark from a Windows editor is not part of the JSON.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (text.trimStart().startsWith('{')) return parseJsonExact(text);
  if (/^[\w%.+-]+=/.test(text)) return { ok: true, value: Object.fromEntries(new URLSearchParams(text.trim())) };
  return { ok: false, message: 'is neither a JSON object nor a form body (type=…&data=…)' };
}

export function parseMessage(message: unknown): ParsedMessage {
  let value = message;
  if (typeof message === 'string') {
    const read = messageFromText(message);
    if (!read.ok) return failed(finding('payload/invalid-json', 'error', { en: `Message is not valid JSON: ${read.message}`, zh: `消息无法解析：${read.message}` }, ''));
    value = read.value;
  }
  if (!isRecord(value)) {
    return failed(finding('payload/not-object', 'error', { en: 'A message must be an object with type and data', zh: '消息必须是包含 type 和 data 的对象' }, ''));
  }
  const type = (PAYLOAD_TYPES as readonly unknown[]).includes(value.type) ? (value.type as PayloadType) : null;
  const fast = type ? fastPath(value, type) : null;
  if (fast) return fast;
  const findings: Finding[] = [];
  const envelope = EnvelopeSchema.safeParse(value);
  if (!envelope.success) findings.push(...issuesToFindings(envelope.error.issues.filter((i) => i.path[0] !== 'data'), value, null, []));
  let data: Record<string, unknown> | null = null;
  let content: Content | null = null;
  if (typeof value.data === 'string') {
    const decoded = decodeDataString(value.data);
    if (decoded.ok && isRecord(decoded.value)) data = decoded.value;
    else {
      const why = decoded.ok ? 'must be a JSON object, URL-encoded' : decoded.message;
      findings.push(finding('payload/data-encoding', 'error', { en: `data ${why}`, zh: `data ${RULES['payload/data-encoding']!.zh}` }, 'data'));
    }
  } else if (isRecord(value.data)) data = value.data;
  else findings.push(...issuesToFindings([{ code: 'invalid_type', expected: 'object', path: [], message: '', input: value.data }], value, null, ['data']));
  if (type && data) {
    const parsed = DATA_SCHEMAS[type].safeParse(data);
    if (parsed.success) content = { type, data: parsed.data } as Content;
    else findings.push(...issuesToFindings(parsed.error.issues, data, data, ['data']));
  }
  unknownKeys(value, type, data, findings);
  const payload = envelope.success && content ? ({ ...envelope.data, data: content.data } as Payload) : null;
  return { payload, type, content, data, findings };
}

/** A plainly valid message, checked by hand (src/payload/fast.ts); null sends it through zod for the details. */
function fastPath(value: Record<string, unknown>, type: PayloadType): ParsedMessage | null {
  const data = decodedData(value.data);
  if (!data) return null;
  const content = fastContent(type, data);
  if (!content) return null;
  const payload = fastPayload(value, type, content);
  return payload ? { payload, type, content, data, findings: [] } : null;
}

function failed(f: Finding): ParsedMessage {
  return { payload: null, type: null, content: null, data: null, findings: [f] };
}

function decodedData(data: unknown): Record<string, unknown> | null {
  if (typeof data === 'string') {
    const d = decodeDataString(data);
    return d.ok && isRecord(d.value) ? d.value : null;
  }
  return isRecord(data) ? data : null;
}

/** The value at a zod issue path (relative to `data` when `inData`). */
function valueAt(root: Record<string, unknown>, data: Record<string, unknown> | null, path: ReadonlyArray<PropertyKey>, inData: boolean): unknown {
  let v: unknown = inData ? data : root;
  for (let i = 0; i < path.length; i++) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[path[i]!];
  }
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** zod issues → findings; `prefix` places issues of a sub-schema (data) in the whole payload. */
function issuesToFindings(issues: ReadonlyArray<z.core.$ZodIssue>, root: Record<string, unknown>, data: Record<string, unknown> | null, prefix: PropertyKey[]): Finding[] {
  const out: Finding[] = [];
  for (const raw of issues) {
    const issue = { ...raw, path: [...prefix, ...raw.path] };
    const path = formatPath(issue.path);
    const rule = ruleOf(issue);
    const actual = prefix.length > 0 && issue.path.length === prefix.length && 'input' in raw ? raw.input : valueAt(root, data, issue.path.slice(prefix.length), prefix.length > 0);
    const field = rule ? RULES[rule] : actual === undefined ? undefined : RULES[FIELD_RULE[path] ?? ''];
    if (field) {
      const where = path || 'data';
      const rest = rule === 'payload/data-encoding' ? { en: issue.message, zh: field.zh } : field;
      out.push(finding(rule ?? FIELD_RULE[path]!, 'error', { en: `${where} ${rest.en}`, zh: `${where} ${rest.zh}` }, where));
      continue;
    }
    if (issue.path[0] === 'type') {
      const got = root.type === undefined ? 'missing' : JSON.stringify(root.type);
      out.push(finding('payload/type', 'error', { en: `type must be text, articles or position (got ${got})`, zh: `type 必须是 text、articles 或 position（实际为 ${got}）` }, 'type'));
      continue;
    }
    if (actual === undefined) {
      const missingRule = path === 'receiver_id' ? 'payload/receiver-id-missing' : 'payload/missing-field';
      out.push(finding(missingRule, 'error', { en: `Missing required field ${path}`, zh: `缺少必填字段 ${path}` }, path));
      continue;
    }
    const expected = issue.code === 'invalid_type' ? `a ${issue.expected}` : 'valid';
    out.push(finding('payload/invalid-field', 'error', { en: `${path} must be ${expected}, not ${describe(actual)}`, zh: `${path} 类型错误：应为 ${issue.code === 'invalid_type' ? issue.expected : '有效值'}，实际为 ${describe(actual)}` }, path));
  }
  return out;
}

function ruleOf(issue: z.core.$ZodIssue): string | undefined {
  const params = (issue as { params?: { rule?: unknown } }).params;
  return typeof params?.rule === 'string' ? params.rule : undefined;
}

/** Fields whose every shape error has its own rule and wording. */
const FIELD_RULE: Record<string, string> = {
  receiver_id: 'payload/receiver-id',
  save_sender_box: 'payload/save-sender-box',
  'data.longitude': 'payload/position-format',
  'data.latitude': 'payload/position-format',
};

const RULES: Record<string, { en: string; zh: string }> = {
  'payload/receiver-id': { en: 'must be the decimal digits of a non-negative int64 (a string, bigint or safe integer)', zh: '必须是非负 int64 的十进制数字（字符串、bigint 或安全整数）' },
  'payload/receiver-id-unsafe': { en: 'is a JSON number beyond 2^53 and has already lost digits; send it as a string', zh: '是超过 2^53 的 JSON 数字，已丢失精度；请以字符串发送' },
  'payload/save-sender-box': { en: 'must be 0 or 1', zh: '只能是 0 或 1' },
  'payload/position-format': { en: 'must be a decimal string such as "116.397"', zh: '必须是十进制数字字符串，如 "116.397"' },
  'payload/data-encoding': { en: 'is not a URL-encoded JSON object', zh: '不是有效的 URL 编码 JSON 对象' },
};

/** Unknown keys are reported (warning) so a typo is never silently dropped. */
function unknownKeys(root: Record<string, unknown>, type: PayloadType | null, data: Record<string, unknown> | null, out: Finding[]): void {
  reportUnknown(root, KNOWN_KEYS.envelope, '', out);
  if (!type || !data) return;
  reportUnknown(data, KNOWN_KEYS[type], 'data', out);
  if (type === 'articles' && Array.isArray(data.articles)) {
    data.articles.forEach((a, i) => {
      if (isRecord(a)) reportUnknown(a, KNOWN_KEYS.article, `data.articles[${i}]`, out);
    });
  }
}

function reportUnknown(obj: Record<string, unknown>, known: ReadonlySet<string>, base: string, out: Finding[]): void {
  for (const key in obj) {
    if (known.has(key)) continue;
    const path = childPath(base, key);
    out.push(finding('payload/unknown-field', 'warning', { en: `Unknown field ${path} is not part of the reply API`, zh: `字段 ${path} 不属于回复接口` }, path));
  }
}

/**
 * The string a finding's `path` points at (`data.articles[2].url`), looking through a
 * raw JSON message and an encoded `data` string; undefined when there is none. Used by
 * front doors to show the text a span underlines.
 */
export function stringAt(message: unknown, path: string): string | undefined {
  let v: unknown = message;
  if (typeof v === 'string') {
    const read = messageFromText(v);
    if (!read.ok) return undefined;
    v = read.value;
  }
  const keys = path.split(/[.[\]]+/).filter((k) => k !== '');
  for (const [depth, key] of keys.entries()) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
    if (depth === 0 && key === 'data' && typeof v === 'string') {
      const d = decodeDataString(v);
      v = d.ok ? d.value : undefined;
    }
  }
  return typeof v === 'string' ? v : undefined;
}

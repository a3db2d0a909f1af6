/**
 * The message API between the page, the popup and the background, declared once:
 * a valibot schema per request, the response type beside it. The background
 * registers one handler per name (background/index.ts); the other contexts call
 * through `send` (shared/client.ts). Errors cross contexts as values, never throws.
 */
import * as v from 'valibot';
import { ABSTRACT_MAX, normaliseTag, parseArxivId, READING_STATUSES, TAG_MAX, tagKey, type Paper, type PaperStatus, type TagCount } from './model';
import type { CardVerdict, ListedCard, RankReply } from './rank-wire';
import { t } from './i18n';

/** A Digest row: a listed paper and its verdict. */
export interface DigestEntry extends CardVerdict {
  id: string;
  title: string;
  authors: string[];
  firstAt: number;
}

// One definition of an id (model.ts), not a second regex that can drift from it.
const Id = v.pipe(
  v.string(),
  v.maxLength(64),
  v.check(
    (s) => parseArxivId(s)?.id === s,
    () => t('lib_invalidArxivId'),
  ),
);
const Text = (max: number) => v.pipe(v.string(), v.maxLength(max));
// Only web links: a javascript: or data: URL saved from a hostile page must never become a link in the popup.
const WebUrl = v.pipe(
  Text(2000),
  v.url(),
  v.regex(/^https?:\/\//, () => t('lib_invalidHttpUrl')),
);

export const PaperRefSchema = v.strictObject({
  id: Id,
  version: v.optional(v.pipe(v.string(), v.regex(/^v\d{1,3}$/))),
  title: v.pipe(Text(1000), v.minLength(1)),
  authors: v.pipe(v.array(Text(300)), v.maxLength(5000)),
  abstract: v.optional(Text(ABSTRACT_MAX)),
  published: v.optional(Text(40)),
  upvotes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  organization: v.optional(Text(300)),
  thumbnail: v.optional(WebUrl),
  url: WebUrl,
  source: v.picklist(['hf', 'arxiv']),
});

const Time = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(8.64e15));
const Ids = v.pipe(v.array(Id), v.maxLength(20000));

/** A card as the ranking reads it: what the listing shows. */
export const ListedCardSchema = v.strictObject({
  id: Id,
  title: Text(1000),
  authors: v.pipe(v.array(Text(300)), v.maxLength(500)),
  abstract: v.optional(Text(ABSTRACT_MAX)),
  version: v.optional(v.pipe(v.string(), v.regex(/^v\d{1,3}$/))),
}) satisfies v.GenericSchema<unknown, ListedCard>;
const TagName = v.pipe(v.string(), v.maxLength(TAG_MAX * 4), v.minLength(1));
const Status = v.picklist(READING_STATUSES);
export const NOTE_MAX = 100_000;

// Printable ASCII, lower-case, single spaces: already what tagKey makes (which is slow: ICU).
const SIMPLE_KEY = /^[!-@[-~]+(?: [!-@[-~]+)*$/;
const isTagKey = (k: string) => (k.length <= 40 && SIMPLE_KEY.test(k)) || tagKey(k) === k;

const TagKeySchema = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(100),
  v.check(isTagKey, () => t('lib_invalidTagKey')),
);

export const TagSchema = v.strictObject({
  key: TagKeySchema,
  name: v.pipe(
    v.string(),
    v.maxLength(100),
    v.check(
      (n) => normaliseTag(n) !== '',
      () => t('lib_emptyTagName'),
    ),
  ),
  hue: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(359)),
  updatedAt: v.optional(Time),
});

/** A stored paper: the message API's PaperRef plus the shelf's own fields. */
export const PaperSchema = v.strictObject({
  ...PaperRefSchema.entries,
  savedAt: Time,
  updatedAt: Time,
  tags: v.pipe(v.array(TagKeySchema), v.maxLength(1000)),
  status: v.picklist(READING_STATUSES),
  note: Text(NOTE_MAX),
  fieldsAt: v.optional(v.strictObject({ tags: v.optional(Time), status: v.optional(Time), note: v.optional(Time) })),
  latestVersion: v.optional(v.pipe(v.string(), v.regex(/^v\d{1,3}$/))),
});

const TagKey = TagKeySchema;

/**
 * Messages only tests and tools send, to seed and inspect the library (no code in src/ sends
 * them: our pages read and bulk-write through src/library directly). A function, so that the
 * production build (`__PAPERSHELF_TEST_HOOKS__` false) drops the schemas with the handlers:
 * dist/ answers "unknown message" to them; `npm run build:test` (dist-test/) and the unit tests
 * keep them.
 */
const testRequests = () =>
  ({
    /** Newest first; `limit` reads only the first rows from the savedAt index. */
    'papers.list': v.strictObject({
      limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
      offset: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    }),
    'papers.get': v.strictObject({ ids: Ids }),
    /** Papers stored as given (tags by key, no tag record made). */
    'papers.restore': v.strictObject({ papers: v.pipe(v.array(PaperSchema), v.maxLength(20000)) }),
    /** Papers and tags as a backup holds them; merged in one transaction as the options page's import does. */
    'library.import': v.strictObject({ papers: v.pipe(v.array(PaperSchema), v.maxLength(50000)), tags: v.pipe(v.array(TagSchema), v.maxLength(10000)) }),
    'tags.list': v.strictObject({}),
  }) as const;

/** The names of the test-only messages above. */
export type TestMessageName = keyof ReturnType<typeof testRequests>;

/** Request schemas, one per message name. */
const productionRequests = {
  'papers.status': v.strictObject({ ids: v.pipe(v.array(Id), v.maxLength(5000)) }),
  'paper.save': v.strictObject({ ref: PaperRefSchema }),
  'paper.unsave': v.strictObject({ id: Id }),
  /** Undo of a removal on a card: the paper back from the trash with its tags, status, note and abstract. */
  'paper.restore': v.strictObject({ id: Id }),
  'paper.complete': v.strictObject({ ref: PaperRefSchema }),
  'papers.remove': v.strictObject({ ids: Ids }),
  'papers.setStatus': v.strictObject({ ids: Ids, status: Status }),
  'paper.setNote': v.strictObject({ id: Id, note: Text(NOTE_MAX) }),
  /** Tags papers; on a card the ref is sent too, so tagging an unsaved paper saves it. */
  'papers.tag': v.strictObject({ ids: Ids, name: TagName, ref: v.optional(PaperRefSchema) }),
  'paper.untag': v.strictObject({ id: Id, key: TagKey }),
  /** Tag names only, most used first: what a card's editor offers once the user opened it. */
  'tags.names': v.strictObject({}),
  /** Cards a listing shows: recorded in the corpus, ranked against the user's tags (background/ranker.ts). */
  'cards.rank': v.strictObject({ cards: v.pipe(v.array(ListedCardSchema), v.maxLength(2000)) }),
  /** Cards that were on screen: no longer "new since your last visit". */
  'cards.seen': v.strictObject({ ids: v.pipe(v.array(Id), v.maxLength(2000)) }),
  /** "Not relevant" (x on a listing): a negative for every tag's model; `on: false` takes it back. */
  'paper.notRelevant': v.strictObject({ card: ListedCardSchema, on: v.boolean() }),
  /** The popup's Digest: papers listed in the last `days` days, not saved, not marked not relevant, ranked. */
  'digest.list': v.strictObject({ days: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(30)) }),
  'tags.rename': v.strictObject({ key: TagKey, name: TagName }),
  'tags.merge': v.strictObject({ from: TagKey, into: TagKey }),
  'tags.delete': v.strictObject({ key: TagKey }),
  /** "Sync now" on the options page: a WebDAV round at once (pages only); answers with its status. */
  'webdav.sync': v.strictObject({
    /** Connect first (the options page's Connect): checked before anything is written, then kept in storage.local. */
    connect: v.optional(v.strictObject({ url: WebUrl, user: Text(1000), password: Text(1000), passphrase: Text(1000) })),
  }),
} as const;

/** Every message the build answers: the test-only ones in test builds only. */
export const requests = { ...productionRequests, ...(__PAPERSHELF_TEST_HOOKS__ ? testRequests() : {}) } as typeof productionRequests &
  ReturnType<typeof testRequests>;

export type MessageName = keyof typeof productionRequests | TestMessageName;

/**
 * What a content script may ask: only what a card needs. Everything else
 * (listing notes, removing in bulk, import, restore, tag management) answers
 * only to our own extension pages (background/sender.ts classifySender).
 */
export const CONTENT_CAPABILITIES: ReadonlySet<MessageName> = new Set<MessageName>([
  'papers.status',
  'paper.save',
  'paper.unsave',
  'paper.restore',
  'paper.complete',
  'papers.tag',
  'paper.untag',
  'tags.names',
  'cards.rank',
  'cards.seen',
  'paper.notRelevant',
]);
export type Request<N extends MessageName> = v.InferOutput<(typeof requests)[N]>;

/** Response types, one per message name. */
export interface Responses {
  'papers.status': Record<string, PaperStatus>;
  'paper.save': Paper;
  'paper.unsave': { removed: boolean };
  'paper.restore': { restored: boolean };
  'paper.complete': { completed: boolean };
  'papers.list': Paper[];
  'papers.get': Paper[];
  'papers.remove': { removed: Paper[] };
  'papers.restore': { restored: string[] };
  'papers.setStatus': { updated: number };
  'paper.setNote': { updated: number };
  'papers.tag': { updated: number };
  'paper.untag': { updated: number };
  'library.import': { added: number; updated: number; unchanged: number; clamped: number };
  'tags.list': TagCount[];
  'tags.names': string[];
  'cards.rank': RankReply;
  'cards.seen': { marked: number };
  'paper.notRelevant': { ok: true };
  'digest.list': DigestEntry[];
  'tags.rename': { updated: number };
  'tags.merge': { updated: number };
  'tags.delete': { updated: number };
  'webdav.sync': import('./webdav-status').WebDavStatus | null;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

export interface Envelope {
  /** Marks our messages apart from anything else on the runtime channel. */
  papershelf: 1;
  name: string;
  body: unknown;
}

export { CHANGE_KEY, type Change } from './change';

export function isEnvelope(m: unknown): m is Envelope {
  return typeof m === 'object' && m !== null && (m as Envelope).papershelf === 1 && typeof (m as Envelope).name === 'string';
}

/** Checks a request's shape; returns a readable reason where it fails. */
export function parseRequest(name: string, body: unknown): Result<{ name: MessageName; body: unknown }> {
  if (!Object.hasOwn(requests, name)) return { ok: false, error: `unknown message "${name}"` };
  const schema = requests[name as MessageName];
  let r: ReturnType<typeof v.safeParse<typeof schema>>;
  try {
    r = v.safeParse(schema, body);
  } catch {
    // A getter or proxy that throws (only in-process callers can build one): an answer, never a throw.
    return { ok: false, error: `invalid "${name}": unreadable body` };
  }
  if (!r.success) {
    const issue = r.issues[0];
    const path = v.getDotPath(issue) ?? '(message)';
    return { ok: false, error: `invalid "${name}": ${path}: ${issue.message}` };
  }
  return { ok: true, value: { name: name as MessageName, body: r.output } };
}

/**
 * Summarises a V8 CPU profile (the `.cpuprofile` format `node --cpu-prof` writes, taken here with
 * `node:inspector` so one benchmark run can profile only its load window): where the main thread's
 * time went, per pipeline stage, in ms per request.
 *
 * A sample is charged to the innermost frame that belongs to a known place (a `src/` module or a
 * package), so Node internals a stage calls (HMAC inside the tagger, `JSON.stringify` inside
 * Express) count towards that stage.
 */
import inspector from 'node:inspector';

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Ordered: the first rule whose pattern is in a frame's URL names its stage. */
const STAGES: Array<[RegExp, string]> = [
  [/\/src\/index\//, 'ANN index search (hnswlib, incl. its JS filter callbacks\' caller)'],
  [/\/src\/retrieve\/filters/, 'filter predicate'],
  [/\/src\/retrieve\//, 'retrieval (candidate lists, vectors, merge)'],
  [/\/src\/rank\/mmr/, 'MMR re-rank'],
  [/\/src\/rank\/inspired/, 'inspiredBy (closest post)'],
  [/\/src\/rank\//, 'rank: parameters text'],
  [/\/src\/profile\//, 'profile (cache, interests)'],
  [/\/src\/consent\//, 'consent decision'],
  [/\/src\/affiliate\//, 'affiliate tagging (HMAC tokens, disclosure)'],
  [/\/src\/store\/|better-sqlite3/, 'SQLite store reads'],
  [/\/src\/embed\//, 'embedder client (worker messages)'],
  [/\/src\/core\/response-cache/, 'response cache'],
  [/\/src\/core\/reads\/popular/, 'non-personalised list'],
  [/\/src\/core\//, 'core glue (recommend/search, views)'],
  [/\/node_modules\/zod\//, 'zod (request validation)'],
  [/\/src\/http\/|\/src\/app/, 'HTTP layer (auth, validate, routes)'],
  [/\/node_modules\/(express|router|body-parser|finalhandler|send|serve-static|on-finished|qs|content-type|type-is|raw-body|mime|debug|depd|statuses|encodeurl|parseurl|etag|fresh|vary|cookie|accepts|negotiator|media-typer|iconv-lite|proxy-addr|safe-buffer|setprototypeof|http-errors|destroy|ee-first|unpipe|path-to-regexp|merge-descriptors|content-disposition|range-parser|forwarded|ipaddr\.js|toidentifier|inherits|bytes|utils-merge|methods|array-flatten|escape-html|side-channel|object-inspect|call-bind|get-intrinsic|has-symbols|function-bind|hasown|es-errors|gopd|es-define-property|dunder-proto|math-intrinsics|get-proto|es-object-atoms|call-bound|call-bind-apply-helpers|side-channel-list|side-channel-map|side-channel-weakmap|once|wrappy|is-promise|router)\//, 'Express (routing, res.json incl. JSON.stringify)'],
  [/\/node_modules\//, 'other packages'],
];

export interface StageRow {
  stage: string;
  /** Main-thread CPU ms per request. */
  msPerRequest: number;
  /** Share of the profiled wall time. */
  share: number;
}

export interface ProfileSummary {
  wallMs: number;
  requests: number;
  /** Busy (non-idle) ms per request. */
  busyMsPerRequest: number;
  stages: StageRow[];
  /** Inclusive ms per request of selected functions (a function counts once per sample). */
  functions: Array<{ fn: string; msPerRequest: number }>;
}

/** Functions whose inclusive time is worth naming, as "file-suffix:functionName". */
const FUNCTIONS = [
  'src/core/reads/recommend.ts:recommend',
  'src/core/reads/recommend.ts:profileFor',
  'src/core/reads/recommend.ts:creditsFor',
  'src/retrieve/retrieve.ts:retrieveCandidates',
  'src/retrieve/candidate-lists.ts:retrieve',
  'src/index/hnsw-index.ts:search',
  'src/retrieve/product-vectors.ts:getMany',
  'src/rank/mmr.ts:mmrRerank',
  'src/rank/inspired.ts:mostSimilarPost',
  'src/affiliate/tagger.ts:tag',
  'src/core/reads/search.ts:search',
  'src/core/reads/search.ts:queryVector',
  'src/core/reads/search.ts:respond',
  'src/consent/decide.ts:decideConsent',
];

export function summarise(profile: CpuProfile, requests: number): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stageOf = new Map<number, string>();
  const stage = (id: number): string => {
    const known = stageOf.get(id);
    if (known) return known;
    const node = byId.get(id)!;
    const { functionName, url } = node.callFrame;
    let s: string | undefined;
    if (functionName === '(garbage collector)') s = 'garbage collection';
    else if (functionName === '(idle)') s = 'idle';
    else if (functionName === '(program)') s = 'V8/native (unattributed)';
    else s = STAGES.find(([re]) => re.test(url))?.[1];
    if (!s) {
      const up = parent.get(id);
      s = up === undefined || byId.get(up)!.callFrame.functionName === '(root)' ? 'Node internals (HTTP parser, sockets, timers)' : stage(up);
    }
    stageOf.set(id, s);
    return s;
  };
  const fnKey = (id: number) => {
    const { functionName, url } = byId.get(id)!.callFrame;
    return FUNCTIONS.find((f) => {
      const [file, name] = f.split(':');
      return url.endsWith(file!) && functionName === name;
    });
  };
  const stageMs = new Map<string, number>();
  const fnMs = new Map<string, number>();
  let wall = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    wall += dt;
    const id = profile.samples[i]!;
    const s = stage(id);
    stageMs.set(s, (stageMs.get(s) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = fnKey(at);
      if (f && !seen.has(f)) {
        seen.add(f);
        fnMs.set(f, (fnMs.get(f) ?? 0) + dt);
      }
    }
  }
  const per = (ms: number) => ms / Math.max(1, requests);
  const busy = wall - (stageMs.get('idle') ?? 0);
  return {
    wallMs: wall,
    requests,
    busyMsPerRequest: per(busy),
    stages: [...stageMs].filter(([s]) => s !== 'idle').sort((a, b) => b[1] - a[1]).map(([s, ms]) => ({ stage: s, msPerRequest: per(ms), share: ms / wall })),
    functions: [...fnMs].sort((a, b) => b[1] - a[1]).map(([fn, ms]) => ({ fn, msPerRequest: per(ms) })),
  };
}

/** Profiles this thread while `fn` runs (sampling every `intervalUs`). */
export async function profileWhile<T>(fn: () => Promise<T>, intervalUs = 500): Promise<{ value: T; profile: CpuProfile }> {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: intervalUs });
  await post('Profiler.start');
  try {
    const value = await fn();
    const { profile } = await post('Profiler.stop');
    return { value, profile: profile as CpuProfile };
  } finally {
    session.disconnect();
  }
}

/**
 * Keep V8's String.prototype in fast mode in a thread that talks to Redis.
 *
 * ioredis 6 defines `class VerbatimString extends String` (resp/verbatim-string.js) when a
 * connection first decodes replies. Subclassing String turns String.prototype into a
 * dictionary-mode object in V8 (`%HasFastProperties(String.prototype)` goes from true to false),
 * and from then on every string method call of the thread (`charCodeAt`, `indexOf`, `slice`)
 * takes a slow property lookup: a run job's CSV ingest ran 3.5 times slower in its worker thread
 * than in `forecast run` (13.0 s instead of 3.8 s for 5.9 million rows). V8 makes a prototype
 * fast again once enough property lookups go through it as a prototype; this does those
 * lookups. Call it after the thread's Redis connections are up and before CPU-bound string work.
 */
export function restoreFastStringPrototype(): void {
  const probe = Object.create(String.prototype) as Record<string, unknown>;
  for (let i = 0; i < 2000; i++) {
    void probe.charCodeAt;
    void probe.indexOf;
  }
}

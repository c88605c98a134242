// Bun tools for the example project, in compozy's convention: `fn(input, config, ctx)`.

type ScoreInput = { note: string; topic: string };
type Scored = { note: string; score: number };

/** Scores how well a note covers the topic: shared words over topic words, plus a length bonus. */
export function score_note(input: ScoreInput, config: { bonus_per_word?: number }) {
  const words = (text: string) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const topic = new Set(words(input.topic));
  const noteWords = words(input.note);
  const shared = noteWords.filter((word) => topic.has(word)).length;
  const bonus = (config?.bonus_per_word ?? 0.01) * noteWords.length;
  return { note: input.note, score: Number((shared / Math.max(topic.size, 1) + bonus).toFixed(3)) };
}

/** Builds a headline from the scored notes (an array, or collection outputs keyed by child id). */
export async function headline(
  input: { topic: string; scored: Scored[] | Record<string, Scored>; style: string },
  _config: unknown,
  ctx: { progress: (update: unknown) => void },
) {
  const scored = Array.isArray(input.scored) ? input.scored : Object.values(input.scored ?? {});
  const ranked = [...scored].sort((a, b) => b.score - a.score);
  ranked.forEach((entry, rank) => ctx.progress({ rank, score: entry.score }));
  const best = ranked[0]?.note ?? "nothing yet";
  const prefix = input.style === "detailed" ? `${input.topic}: ${ranked.length} notes, best` : input.topic;
  return { headline: `${prefix} — ${best}`, notes: ranked.length, style: input.style };
}

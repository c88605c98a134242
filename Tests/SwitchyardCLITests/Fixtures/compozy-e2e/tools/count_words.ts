// A tool with its own module (compozy's `execute:`): a default export.
export default function countWords(input: { words: string[] }) {
  return { count: input.words.length, longest: input.words.reduce((a, b) => (b.length > a.length ? b : a), "") };
}

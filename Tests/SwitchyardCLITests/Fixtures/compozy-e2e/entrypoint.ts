// The project's runtime entrypoint (compozy's convention: a default export of tools by id).
export default {
  shout(input: { word: string }, config: { suffix?: string }) {
    return { shouted: input.word.toUpperCase() + (config?.suffix ?? "") };
  },
};

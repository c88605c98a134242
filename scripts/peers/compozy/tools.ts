// The tool the compozy peer calls: the same `echo` as the `bun` suite's project.
export default {
  echo: (input: unknown) => input,
};

// An entrypoint with top-level await: require() cannot load it, import() must.
const greeting = await Promise.resolve("awaited");
export default { greet: (input) => ({ greeting: `${greeting} ${input.name}` }) };

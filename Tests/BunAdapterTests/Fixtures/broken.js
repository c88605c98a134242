import "./does-not-exist.js";
export default { never: () => ({}) };

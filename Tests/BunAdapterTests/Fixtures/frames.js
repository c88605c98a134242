// Frames of mixed sizes: a pooled call thread writes frames of up to 4 KiB to stdout itself and
// hands longer ones to the main thread, and a call's frames must still arrive in order.
export default {
  mixed: async (input, _config, ctx) => {
    for (const size of input.progress) ctx.progress({ pad: "p".repeat(size) });
    if (input.delay) await new Promise((resolve) => setTimeout(resolve, input.delay));
    return { pad: "r".repeat(input.result) };
  },
  // Reports progress after its result, while its thread runs the next call: nothing may reach
  // the host for the ended call or the next one.
  late: async (_input, _config, ctx) => {
    setTimeout(() => ctx.progress({ late: true }), 20);
    return { early: true };
  },
};

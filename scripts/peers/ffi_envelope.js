// The per-call JSON envelope of Switchyard's `ffi` adapter (Plugins/ffi), for a peer runtime's
// FFI: each call parses a request `{"args": [...]}`, converts the arguments the way the adapter
// does (f64 as is, `cstring` as NUL-terminated UTF-8, `buffer` from a JSON string's UTF-8
// bytes), makes the foreign call and serializes `{"value": result, "out": []}`. The loop runs
// in-process; the figure is nanoseconds per whole call. Shared by bun_ffi.js and deno_ffi.js.

const encoder = new TextEncoder();

/** The three calls measured, with the request text each call parses and its expected value. */
export function cases(symbols) {
  const kib = "switchyard".repeat(103).slice(0, 1024);
  return [
    {
      figure: "cos_ns",
      request: JSON.stringify({ args: [0.5] }),
      call: (args) => symbols.cos(args[0]),
      expected: Math.cos(0.5),
    },
    {
      figure: "strlen_ns",
      request: JSON.stringify({ args: ["hello, switchyard"] }),
      call: (args) => Number(symbols.strlen(encoder.encode(args[0] + "\0"))),
      expected: 17,
    },
    {
      figure: "crc32_1k_ns",
      request: JSON.stringify({ args: [0, kib, 1024] }),
      call: (args) => Number(symbols.crc32(args[0], encoder.encode(args[1]), args[2])),
      expected: null, // zlib itself is checked once on "hello" in run()
    },
  ];
}

/** One whole call through the envelope: request text in, response text out. */
function envelope(testCase) {
  const request = JSON.parse(testCase.request);
  const value = testCase.call(request.args);
  return JSON.stringify({ value, out: [] });
}

/** Median nanoseconds per call over `batches` batches of `batchSize` calls, after a warm-up. */
function measure(testCase, now, batchSize = 5000, batches = 11) {
  let answer = "";
  for (let index = 0; index < batchSize; index++) answer = envelope(testCase);
  const perCall = [];
  for (let batch = 0; batch < batches; batch++) {
    const start = now();
    for (let index = 0; index < batchSize; index++) answer = envelope(testCase);
    perCall.push((now() - start) / batchSize);
  }
  perCall.sort((a, b) => a - b);
  return { ns: perCall[Math.floor(perCall.length / 2)], answer: JSON.parse(answer).value };
}

/**
 * Measures every case and prints one JSON line `{"cos_ns": ..., "strlen_ns": ..., "crc32_1k_ns": ...}`.
 * `now()` returns nanoseconds as a number.
 */
export function run(symbols, now) {
  const hello = Number(symbols.crc32(0, encoder.encode("hello"), 5));
  if (hello !== 907060870) throw new Error(`crc32("hello") answered ${hello}, expected 907060870`);
  const figures = {};
  for (const testCase of cases(symbols)) {
    const { ns, answer } = measure(testCase, now);
    if (testCase.expected !== null && answer !== testCase.expected) {
      throw new Error(`${testCase.figure}: answered ${answer}, expected ${testCase.expected}`);
    }
    figures[testCase.figure] = ns;
  }
  console.log(JSON.stringify(figures));
}

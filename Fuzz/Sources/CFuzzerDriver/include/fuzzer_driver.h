/* libFuzzer's entry for programs that have a main of their own (libclang_rt.fuzzer_no_main).
   SwiftPM links every executable with `--defsym main=<module>_main`, which collides with the
   main of the usual libclang_rt.fuzzer archive; the fuzz targets therefore keep their Swift main
   and hand control to libFuzzer through this function. */
#ifndef SWITCHYARD_FUZZER_DRIVER_H
#define SWITCHYARD_FUZZER_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/* Runs libFuzzer with the command line in argc/argv, calling `callback` once per input.
   OWNERSHIP: `data` is borrowed for the duration of one callback. Returns the exit status. */
int LLVMFuzzerRunDriver(int *_Nonnull argc, char *_Nullable *_Nullable *_Nonnull argv,
                        int (*_Nonnull callback)(const uint8_t *_Nullable data, size_t size));

#endif

/* Declarations only (include/fuzzer_driver.h); libFuzzer itself is linked by fuzz.mk. */
#include "fuzzer_driver.h"

#include "CBenchSupport.h"

int64_t sy_bench_add(int64_t left, int64_t right) { return left + right; }

void *sy_bench_add_address(void) { return (void *)&sy_bench_add; }

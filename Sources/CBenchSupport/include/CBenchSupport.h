/*
 * CBenchSupport — C functions that exist only to be measured by switchyard-bench.
 * Nothing in the product links them.
 */
#ifndef SWITCHYARD_CBENCHSUPPORT_H
#define SWITCHYARD_CBENCHSUPPORT_H

#include <stdint.h>

/** Adds two integers. Exists only to be called through a function pointer by the ffi bench. */
int64_t sy_bench_add(int64_t left, int64_t right);

/**
 * The address of `sy_bench_add`, from another translation unit, so the caller's optimizer
 * cannot see through the pointer and inline the call.
 */
void *_Nonnull sy_bench_add_address(void);

#endif /* SWITCHYARD_CBENCHSUPPORT_H */

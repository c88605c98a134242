/* Exposes the adapter ABI (include/switchyard/adapter.h at the package root) to Swift. */
#include "../../../include/switchyard/adapter.h"

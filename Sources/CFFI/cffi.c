#include "CFFI.h"

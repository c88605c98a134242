#include "textkit.h"

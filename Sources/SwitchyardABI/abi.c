/* SwiftPM needs one source file in a C target; the ABI itself is header-only. */
#include "SwitchyardABI.h"

/*
 * The guard's process-wide state.
 */
#include "guard.h"

struct guard guard;

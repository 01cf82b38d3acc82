#ifndef ROSTER_CZSTD_SHIM_H
#define ROSTER_CZSTD_SHIM_H
// The advanced parameters (magicless frames) are declared behind this macro. We only use
// parameter values that the shared library accepts through the stable setParameter calls.
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#include <zdict.h>
#include <zstd_errors.h>
#endif

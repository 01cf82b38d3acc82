#ifndef ROSTER_CLMDB_SHIM_H
#define ROSTER_CLMDB_SHIM_H
#include <lmdb.h>
#endif

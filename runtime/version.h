/* The guard's version, as --version and the status page report it. */
#ifndef XEDGE_VERSION_H
#define XEDGE_VERSION_H

#ifndef XEDGE_VERSION
#define XEDGE_VERSION "0.1.0"
#endif

#endif

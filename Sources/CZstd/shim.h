// The one place C is visible: libzstd's public API (zstd.h from libzstd-dev, found through
// pkg-config's libzstd), used by ExporterCompressor's ZstdCompressor.
#ifndef FLEXPRICE_EXPORTER_CZSTD_SHIM_H
#define FLEXPRICE_EXPORTER_CZSTD_SHIM_H
#include <zstd.h>
#endif

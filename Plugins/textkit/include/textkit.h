/*
 * textkit: the example Switchyard adapter. It exports one symbol, switchyard_adapter_entry,
 * declared by <switchyard/adapter.h>'s sy_adapter_entry_fn; this header exists because SwiftPM
 * C targets publish an include directory. The host never includes it: it loads libtextkit.so
 * with dlopen.
 */
#ifndef TEXTKIT_H
#define TEXTKIT_H
#endif

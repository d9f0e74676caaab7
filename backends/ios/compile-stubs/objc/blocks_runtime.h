/* COMPILE-ONLY DECLARATIONS (see compile-stubs/README.md): never packaged. */
#ifndef BGSIM_STUB_BLOCKS_RUNTIME_H
#define BGSIM_STUB_BLOCKS_RUNTIME_H
void *_Block_copy(const void *block);
void _Block_release(const void *block);
#define Block_copy(x) ((__typeof(x))_Block_copy((const void *)(x)))
#define Block_release(x) _Block_release((const void *)(x))
#endif

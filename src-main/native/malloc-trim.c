/*
 * Give freed heap memory back to the OS. glibc keeps free chunks that sit below live allocations
 * in its main arena; after a burst of tunnel traffic that is tens of MB of RSS nobody uses.
 * malloc_trim(0) releases every free page (madvise), not only the top of the heap.
 * N-API, so one build loads in Node and in Electron alike. Elsewhere (macOS, Windows, musl) it is
 * a no-op that returns false.
 */
#include <node_api.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

static napi_value Trim(napi_env env, napi_callback_info info) {
  (void)info;
  int released = 0;
#if defined(__GLIBC__)
  released = malloc_trim(0);
#endif
  napi_value result;
  napi_get_boolean(env, released != 0, &result);
  return result;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "trim", NAPI_AUTO_LENGTH, Trim, NULL, &fn);
  napi_set_named_property(env, exports, "trim", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)

/*
 * Count regular files in a directory the way `find DIR [-maxdepth 1] -type f` does, fast: one
 * readdir pass per directory using d_type, lstat (fstatat AT_SYMLINK_NOFOLLOW) only for entries
 * whose type the file system does not report (DT_UNKNOWN: some network file systems). Symlinks
 * are never followed below the root. Used by src-main/aws/efs/file-counter.ts, which falls back to
 * JavaScript when this addon is absent (not built, or the Lambda bundle).
 *
 * The walk runs as N-API async work on a libuv pool thread, so the event loop stays free. JS gets
 * a handle (an External) to read progress and to ask for cancellation; both are plain atomics in
 * the Job, polled by the walker once per entry. N-API, so one build loads in Node and Electron.
 *
 *   start(path: string, recursive: boolean, lstatAll: boolean, done: (r: Result) => void): Handle
 *   progress(handle): [files, dirs]       cancel(handle): undefined
 *   Result = { files, dirs, errno, cancelled, unreadable: string[] }
 *   errno != 0 means the root itself could not be opened or read (nothing else is reported then).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* d_type and DT_* with glibc */
#endif
#include <node_api.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A growable array of heap strings: the directories still to visit, and the unreadable ones. */
typedef struct {
  char **items;
  size_t len, cap;
} StrList;

/* Takes ownership of s. Returns 0, or -1 (s freed) when memory runs out. */
static int list_push(StrList *l, char *s) {
  if (l->len == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 64;
    char **items = realloc(l->items, cap * sizeof *items);
    if (items == NULL) {
      free(s);
      return -1;
    }
    l->items = items;
    l->cap = cap;
  }
  l->items[l->len++] = s;
  return 0;
}

static void list_free(StrList *l) {
  for (size_t i = 0; i < l->len; i++) free(l->items[i]);
  free(l->items);
  l->items = NULL;
  l->len = l->cap = 0;
}

typedef struct {
  napi_async_work work;
  napi_ref done;   /* the JS callback */
  napi_ref handle; /* the External, held strongly while the walk runs so the Job outlives it */
  char *root;
  int recursive;
  int lstat_all; /* treat every entry as DT_UNKNOWN (tests the lstat path on any file system) */
  /* Shared with the JS thread: written by the walker, read by progress(); cancel the other way. */
  uint64_t files, dirs;
  int cancel;
  /* Results, read by the JS thread only after the walk has finished. */
  int err;
  int cancelled;
  StrList unreadable;
} Job;

/* Joins dir + "/" + name into a new heap string (NULL when out of memory). No fixed-size buffer:
 * paths longer than PATH_MAX are built, then open() refuses them (ENAMETOOLONG) and they are
 * reported unreadable. */
static char *join_path(const char *dir, const char *name) {
  size_t a = strlen(dir), b = strlen(name);
  int slash = a > 0 && dir[a - 1] == '/';
  char *p = malloc(a + (slash ? 0 : 1) + b + 1);
  if (p == NULL) return NULL;
  memcpy(p, dir, a);
  if (!slash) p[a++] = '/';
  memcpy(p + a, name, b + 1);
  return p;
}

/* Publish local counts to JS at most every this many entries (an atomic store per entry costs). */
#define PUBLISH_EVERY 4096

/* Runs on a pool thread: no N-API calls here. */
static void Execute(napi_env env, void *data) {
  (void)env;
  Job *job = data;
  StrList todo = {0};
  uint64_t files = 0, dirs = 0;
  unsigned since_publish = 0;

  char *first = strdup(job->root);
  if (first == NULL || list_push(&todo, first) != 0) {
    job->err = ENOMEM;
    list_free(&todo);
    return;
  }
  int is_root = 1;
  while (todo.len > 0 && !job->err) {
    char *path = todo.items[--todo.len]; /* owned here now: freed or handed to unreadable */
    /* The root may be a symlink (e.g. macOS /tmp); nothing below it is followed. */
    int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (is_root ? 0 : O_NOFOLLOW);
    int fd = open(path, flags);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (d == NULL) {
      int e = errno;
      if (fd >= 0) close(fd); /* fdopendir failed: the fd is still ours */
      if (is_root) {
        job->err = e ? e : EIO;
        free(path);
      } else if (list_push(&job->unreadable, path) != 0) {
        job->err = ENOMEM;
      }
      is_root = 0;
      continue;
    }
    int dfd = dirfd(d);
    for (;;) {
      if (__atomic_load_n(&job->cancel, __ATOMIC_RELAXED)) break;
      errno = 0;
      struct dirent *ent = readdir(d);
      if (ent == NULL) {
        if (errno != 0) { /* a read error part-way: the root fails, a subdirectory is reported */
          if (is_root) {
            job->err = errno;
          } else {
            char *copy = strdup(path);
            if (copy == NULL || list_push(&job->unreadable, copy) != 0) job->err = ENOMEM;
          }
        }
        break;
      }
      const char *name = ent->d_name;
      if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
      int is_reg = 0, is_dir = 0;
      if (!job->lstat_all && ent->d_type != DT_UNKNOWN) {
        is_reg = ent->d_type == DT_REG;
        is_dir = ent->d_type == DT_DIR;
      } else {
        struct stat st;
        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue; /* gone since readdir */
        is_reg = S_ISREG(st.st_mode);
        is_dir = S_ISDIR(st.st_mode);
      }
      if (is_reg) {
        files++;
      } else if (is_dir) {
        dirs++;
        if (job->recursive) {
          char *child = join_path(path, name);
          if (child == NULL || list_push(&todo, child) != 0) {
            job->err = ENOMEM;
            break;
          }
        }
      }
      if (++since_publish >= PUBLISH_EVERY) {
        since_publish = 0;
        __atomic_store_n(&job->files, files, __ATOMIC_RELAXED);
        __atomic_store_n(&job->dirs, dirs, __ATOMIC_RELAXED);
      }
    }
    closedir(d); /* closes fd too */
    free(path);
    is_root = 0;
    __atomic_store_n(&job->files, files, __ATOMIC_RELAXED);
    __atomic_store_n(&job->dirs, dirs, __ATOMIC_RELAXED);
    if (__atomic_load_n(&job->cancel, __ATOMIC_RELAXED)) {
      job->cancelled = 1;
      break;
    }
  }
  list_free(&todo);
}

static void FreeJob(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  Job *job = data;
  free(job->root);
  list_free(&job->unreadable);
  free(job);
}

static void set_number(napi_env env, napi_value obj, const char *key, double v) {
  napi_value n;
  napi_create_double(env, v, &n);
  napi_set_named_property(env, obj, key, n);
}

/* Back on the JS thread: build the result, call done, let go of the handle. */
static void Complete(napi_env env, napi_status status, void *data) {
  Job *job = data;
  napi_value result, list, cb, global;
  napi_create_object(env, &result);
  set_number(env, result, "files", (double)job->files);
  set_number(env, result, "dirs", (double)job->dirs);
  set_number(env, result, "errno", status == napi_cancelled ? ECANCELED : job->err);
  napi_value cancelled;
  napi_get_boolean(env, job->cancelled || status == napi_cancelled, &cancelled);
  napi_set_named_property(env, result, "cancelled", cancelled);
  napi_create_array_with_length(env, job->unreadable.len, &list);
  for (size_t i = 0; i < job->unreadable.len; i++) {
    napi_value s;
    if (napi_create_string_utf8(env, job->unreadable.items[i], NAPI_AUTO_LENGTH, &s) == napi_ok) {
      napi_set_element(env, list, (uint32_t)i, s);
    }
  }
  napi_set_named_property(env, result, "unreadable", list);

  napi_get_reference_value(env, job->done, &cb);
  napi_get_global(env, &global);
  napi_delete_reference(env, job->done);
  job->done = NULL;
  napi_delete_async_work(env, job->work);
  job->work = NULL;
  napi_call_function(env, global, cb, 1, &result, NULL);
  /* Drop the strong reference last: after this, the Job is freed when JS drops the handle. */
  napi_delete_reference(env, job->handle);
  job->handle = NULL;
}

static napi_value Throw(napi_env env, const char *msg) {
  napi_throw_type_error(env, NULL, msg);
  return NULL;
}

static napi_value Start(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 4) return Throw(env, "start(path, recursive, lstatAll, done)");

  size_t len = 0;
  if (napi_get_value_string_utf8(env, argv[0], NULL, 0, &len) != napi_ok) return Throw(env, "path must be a string");
  Job *job = calloc(1, sizeof *job);
  if (job == NULL) return Throw(env, "out of memory");
  job->root = malloc(len + 1);
  if (job->root == NULL) {
    free(job);
    return Throw(env, "out of memory");
  }
  napi_get_value_string_utf8(env, argv[0], job->root, len + 1, &len);
  bool b = false;
  napi_get_value_bool(env, argv[1], &b);
  job->recursive = b;
  b = false;
  napi_get_value_bool(env, argv[2], &b);
  job->lstat_all = b;

  napi_value handle, name;
  if (napi_create_external(env, job, FreeJob, NULL, &handle) != napi_ok) {
    FreeJob(env, job, NULL);
    return Throw(env, "cannot create handle");
  }
  /* From here the External owns the Job: FreeJob runs when it is collected. */
  napi_create_reference(env, argv[3], 1, &job->done);
  napi_create_reference(env, handle, 1, &job->handle);
  napi_create_string_utf8(env, "warren:countFiles", NAPI_AUTO_LENGTH, &name);
  if (napi_create_async_work(env, NULL, name, Execute, Complete, job, &job->work) != napi_ok ||
      napi_queue_async_work(env, job->work) != napi_ok) {
    if (job->work) napi_delete_async_work(env, job->work);
    job->work = NULL;
    napi_delete_reference(env, job->done);
    napi_delete_reference(env, job->handle);
    job->done = job->handle = NULL;
    return Throw(env, "cannot queue the count");
  }
  return handle;
}

static Job *job_of(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  napi_valuetype t;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_typeof(env, argv[0], &t) != napi_ok || t != napi_external) return NULL;
  napi_get_value_external(env, argv[0], &data);
  return data;
}

static napi_value Progress(napi_env env, napi_callback_info info) {
  Job *job = job_of(env, info);
  if (job == NULL) return Throw(env, "progress(handle)");
  napi_value arr, n;
  napi_create_array_with_length(env, 2, &arr);
  napi_create_double(env, (double)__atomic_load_n(&job->files, __ATOMIC_RELAXED), &n);
  napi_set_element(env, arr, 0, n);
  napi_create_double(env, (double)__atomic_load_n(&job->dirs, __ATOMIC_RELAXED), &n);
  napi_set_element(env, arr, 1, n);
  return arr;
}

static napi_value Cancel(napi_env env, napi_callback_info info) {
  Job *job = job_of(env, info);
  if (job == NULL) return Throw(env, "cancel(handle)");
  __atomic_store_n(&job->cancel, 1, __ATOMIC_RELAXED);
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"start", NULL, Start, NULL, NULL, NULL, napi_default, NULL},
      {"progress", NULL, Progress, NULL, NULL, NULL, napi_default, NULL},
      {"cancel", NULL, Cancel, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)

/* A dict's entries read in place, for the short path's walk over the
 * environ (src/_shortpath.pyx, _suspicious).
 *
 * PERF: PyDict_Next costs about fifty instructions a key (two calls, its
 * checks for every table kind); reading the entry array of the common table
 * (combined, str keys only) costs a few.  The layout mirrored here is
 * CPython's own (Include/internal/pycore_dict.h), the same from 3.11 to
 * 3.13 in the default build; elsewhere fd_str_entries is NULL and the walk
 * is PyDict_Next's.  The module checks at import that both walks read the
 * same pairs from sample dicts, and leaves this one unused if not.
 */
#ifndef FD_DICTWALK_H
#define FD_DICTWALK_H

#include <Python.h>
#include <stdint.h>

typedef struct {
    PyObject *key;
    PyObject *value; /* NULL: a deleted entry */
} fd_str_entry;

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030E0000 && !defined(Py_GIL_DISABLED) && !defined(Py_LIMITED_API) && !defined(PYPY_VERSION)
#define FD_DIRECT_WALK 1

/* struct _dictkeysobject, up to its index table */
typedef struct {
    Py_ssize_t dk_refcnt;
    uint8_t dk_log2_size;
    uint8_t dk_log2_index_bytes;
    uint8_t dk_kind; /* 1: DICT_KEYS_UNICODE, exact str keys, entries of two pointers */
    uint32_t dk_version;
    Py_ssize_t dk_usable;
    Py_ssize_t dk_nentries;
    char dk_indices[]; /* 1 << dk_log2_index_bytes bytes, then the entries */
} fd_dictkeys;

/* The entries of d (*n of them, in insertion order) where its table is a
 * combined one of str keys; NULL otherwise (walk it with PyDict_Next). */
static inline fd_str_entry *fd_str_entries(PyObject *d, Py_ssize_t *n) {
    PyDictObject *mp = (PyDictObject *)d;
    fd_dictkeys *dk = (fd_dictkeys *)mp->ma_keys;
    if (mp->ma_values != NULL || dk->dk_kind != 1)
        return NULL;
    *n = dk->dk_nentries;
    return (fd_str_entry *)(dk->dk_indices + ((size_t)1 << dk->dk_log2_index_bytes));
}
#else
#define FD_DIRECT_WALK 0

static inline fd_str_entry *fd_str_entries(PyObject *d, Py_ssize_t *n) {
    (void)d;
    *n = 0;
    return NULL;
}
#endif

#endif

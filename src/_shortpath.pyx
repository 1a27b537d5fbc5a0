# cython: language_level=3, boundscheck=False, wraparound=False
"""The short request path, compiled (built as ``fastdispatch._shortpath``):
the twin of ``fastdispatch/_shortpath_py.py`` (same names, same order; read
one against the other; the docstring there says what it does);
``fastdispatch.shortpath`` picks one.  It works with either router.
"""

from cpython.contextvars cimport PyContextVar_Reset, PyContextVar_Set
from cpython.object cimport Py_TYPE, PyObject_Call
from cpython.tuple cimport PyTuple_New
from cpython.pycapsule cimport PyCapsule_GetPointer
from cpython.ref cimport Py_DECREF, Py_INCREF, PyObject
from cpython.unicode cimport PyUnicode_AsUTF8String
from libc.stdint cimport uint64_t
from libc.string cimport memcmp, memcpy

from fastdispatch.ctx import _cv as _cv_py
from fastdispatch.environ import _wsgi_decode
from fastdispatch.framing import refusal
from fastdispatch.http import APPLICATION_JSON as _application_json_py, TEXT_HTML as _text_html_py
from fastdispatch.json.provider import compact_json
from fastdispatch.request import SHORT_PATH_SLOTS, Request
from fastdispatch.routing import RoutingException
from fastdispatch.routing.router import CompiledRouter

cdef extern from "Python.h":
    PyObject* PyDict_GetItemWithError(object d, object key) except? NULL
    int PyDict_Next(object d, Py_ssize_t* pos, PyObject** key, PyObject** value)
    bint PyUnicode_IS_ASCII(object o)
    bint PyUnicode_IS_COMPACT_ASCII(object o)
    bint PyUnicode_CheckExact(object o)
    int PyUnicode_KIND(object o)
    void* PyUnicode_DATA(object o)
    Py_ssize_t PyUnicode_GET_LENGTH(object o)
    object PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar)
    object PyType_GenericAlloc(type t, Py_ssize_t n)
    ctypedef void* vectorcallfunc
    vectorcallfunc PyVectorcall_Function(object callable)
    object PyObject_Vectorcall(object callable, PyObject** args, size_t nargsf, PyObject* kwnames)
    size_t PY_VECTORCALL_ARGUMENTS_OFFSET_ "PY_VECTORCALL_ARGUMENTS_OFFSET"
    Py_ssize_t PyDict_GET_SIZE(object d)
    Py_ssize_t PyTuple_GET_SIZE(object t)
    PyObject* PyTuple_GET_ITEM(object t, Py_ssize_t i)
    PyObject* Py_False
    PyObject* Py_None
    ctypedef struct PyMemberDef:
        Py_ssize_t offset
    ctypedef struct PyMemberDescrObject:
        PyMemberDef* d_member

ctypedef object (*match_c)(object router, str method, str path, PyObject** values, PyObject** names)

# the compiled router's match as a C function (its MATCH_C), NULL where
# that router is not built
cdef match_c _router_match = NULL
if CompiledRouter is not None:
    from fastdispatch.routing._router import MATCH_C
    _router_match = <match_c>PyCapsule_GetPointer(MATCH_C, "fastdispatch.routing._router.MATCH_C")
    _COMPILED_MATCH = CompiledRouter.match

cdef tuple _TEXT_HTML = _text_html_py
cdef tuple _APPLICATION_JSON = _application_json_py
cdef object _cv = _cv_py  # PERF: a C global, not a module dict lookup


cdef Py_ssize_t _slot(str name) except -1:
    """Where ``Request.<name>`` lives in the instance (a ``__slots__`` entry)."""
    descr = Request.__dict__[name]
    if type(descr).__name__ != "member_descriptor":
        raise TypeError(f"Request.{name} is not a slot")
    return (<PyMemberDescrObject*><PyObject*>descr).d_member.offset


#: the Request slots _new_request fills: the contract with ``Request``
#: (``request.SHORT_PATH_SLOTS``, every slot but ``__dict__``), checked here
#: as the module loads and by tests/app/test_request.py
FILLED_SLOTS = ("environ", "app", "endpoint", "view_args", "_form_loaded", "_session", "_after")
if FILLED_SLOTS != SHORT_PATH_SLOTS or set(Request.__slots__) != {*FILLED_SLOTS, "__dict__"}:
    raise TypeError(f"Request's slots {Request.__slots__} are not those the short path fills, {FILLED_SLOTS}")

# PERF: a Request is made as object.__new__ makes it, then its slots
# written where they live: no Python-level call, no attribute machinery.
# Subclasses inherit the offsets; _short_path_state sends classes with their
# own __init__ or __new__ to the full path.
cdef Py_ssize_t _ENVIRON = _slot("environ")
cdef Py_ssize_t _APP = _slot("app")
cdef Py_ssize_t _ENDPOINT = _slot("endpoint")
cdef Py_ssize_t _VIEW_ARGS = _slot("view_args")
cdef Py_ssize_t _FORM_LOADED = _slot("_form_loaded")
cdef Py_ssize_t _SESSION = _slot("_session")
cdef Py_ssize_t _AFTER = _slot("_after")


cdef inline void _put(object obj, Py_ssize_t offset, object value) noexcept:
    # the slot of a fresh object is NULL: nothing to release
    Py_INCREF(value)
    (<PyObject**>(<char*><PyObject*>obj + offset))[0] = <PyObject*>value


cdef inline PyObject* _get(object obj, Py_ssize_t offset) noexcept:
    # borrowed, NULL where the slot was deleted
    return (<PyObject**>(<char*><PyObject*>obj + offset))[0]


cdef object _new_request(type cls, dict environ, app, endpoint, args):
    req = PyType_GenericAlloc(cls, 0)
    _put(req, _ENVIRON, environ)
    _put(req, _APP, app)
    _put(req, _ENDPOINT, endpoint)
    _put(req, _VIEW_ARGS, args)
    _put(req, _FORM_LOADED, False)
    _put(req, _SESSION, None)
    _put(req, _AFTER, None)
    return req


cdef inline bint _is(object s, str text) noexcept:
    """``s == text`` for an ASCII ``text``, without the generic comparison."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    return s is text or (type(s) is str and PyUnicode_GET_LENGTH(s) == n and PyUnicode_KIND(s) == 1
                         and memcmp(PyUnicode_DATA(s), PyUnicode_DATA(text), n) == 0)


cdef inline object _known_method(object m):
    """The interned constant for a common method the server sent as a fresh
    ``str`` (else ``m``).  PERF: its hash is cached, and the router's method
    tables hold the same object, so the lookup hashes and compares nothing."""
    cdef Py_ssize_t n
    if type(m) is not str or PyUnicode_KIND(m) != 1:
        return m
    n = PyUnicode_GET_LENGTH(m)
    if n == 3:
        if _is(m, "GET"):
            return "GET"
        if _is(m, "PUT"):
            return "PUT"
    elif n == 4:
        if _is(m, "POST"):
            return "POST"
        if _is(m, "HEAD"):
            return "HEAD"
    elif n == 5 and _is(m, "PATCH"):
        return "PATCH"
    elif n == 6 and _is(m, "DELETE"):
        return "DELETE"
    return m


cdef enum:
    KEPT_LENGTHS = 1024  # the Content-Length headers _content_length keeps

# ("Content-Length", str(n)) for n < KEPT_LENGTHS, each made on first use and
# kept (about 100 KiB at most).  PERF: the same tuple each time, as
# _TEXT_HTML is (a header tuple is immutable): no str and tuple made and
# freed per request
cdef PyObject* _kept_lengths[KEPT_LENGTHS]


cdef tuple _content_length(Py_ssize_t n):
    """``("Content-Length", str(n))`` for ``n >= 0``."""
    cdef PyObject* kept
    if n < KEPT_LENGTHS:
        kept = _kept_lengths[n]
        if kept == NULL:
            header = _new_content_length(n)
            Py_INCREF(header)  # the cache's reference, never released
            _kept_lengths[n] = kept = <PyObject*>header
        return <tuple>kept
    return _new_content_length(n)


cdef tuple _new_content_length(Py_ssize_t n):
    # PERF: str(int) takes the generic conversion (about a tenth of what a
    # short request costs here); the digits are written into the str directly
    cdef char digits[24]
    cdef Py_ssize_t i = 24
    while True:
        i -= 1
        digits[i] = <char>(48 + n % 10)  # 48: ord("0")
        n //= 10
        if n == 0:
            break
    text = PyUnicode_New(24 - i, 127)
    memcpy(PyUnicode_DATA(text), digits + i, 24 - i)
    return ("Content-Length", text)


cdef inline bint _plain(app, dict environ, req) except -1:
    """Nothing to do but send the answer: no ``after_this_request``
    function, no session to save (none opened, no cookie that may hold one)."""
    return _get(req, _AFTER) == Py_None and _get(req, _SESSION) == Py_None and (
        PyDict_GetItemWithError(environ, "HTTP_COOKIE") == NULL or not app.config["SECRET_KEY"])


cdef inline bint _digits(object s) noexcept:
    """``s`` is a str of ASCII digits only (or empty)."""
    cdef Py_ssize_t i, n
    cdef const unsigned char* p
    if type(s) is not str or PyUnicode_KIND(s) != 1:
        return False
    n = PyUnicode_GET_LENGTH(s)
    p = <const unsigned char*>PyUnicode_DATA(s)
    for i in range(n):
        if <unsigned char>(p[i] - 48) > 9:  # 48: ord("0"); unsigned: below it wraps high
            return False
    return True


cdef inline bint _control_in(const unsigned char* p, Py_ssize_t n) noexcept:
    """A C0 character but HTAB, or DEL, among ``p[:n]``."""
    cdef Py_ssize_t i = 0
    cdef uint64_t w, x
    # PERF: eight bytes a step: a word with a byte below 0x20 or equal to
    # 0x7f (the exact "has less"/"has zero" bit tricks) is looked at byte by
    # byte, to let tabs through
    while i + 8 <= n:
        memcpy(&w, p + i, 8)
        x = w ^ 0x7f7f7f7f7f7f7f7fULL
        if ((w - 0x2020202020202020ULL) & ~w | (x - 0x0101010101010101ULL) & ~x) & 0x8080808080808080ULL:
            break
        i += 8
    while i < n:
        if (p[i] < 32 and p[i] != 9) or p[i] == 127:
            return True
        i += 1
    return False


cdef inline bint _named(const char* k, Py_ssize_t n, const char* name, Py_ssize_t length) noexcept:
    """The ASCII key ``k[:n]`` is ``name`` (``length`` characters)."""
    return n == length and memcmp(k, name, length) == 0


cdef extern from "_dictwalk.h":
    ctypedef struct fd_str_entry:
        PyObject* key
        PyObject* value
    bint FD_DIRECT_WALK
    fd_str_entry* fd_str_entries(object d, Py_ssize_t* n) noexcept


def _walks_agree():
    """Whether ``fd_str_entries`` reads what ``PyDict_Next`` reads: the
    layout ``_dictwalk.h`` mirrors is this interpreter's (checked once, as
    the module loads)."""
    cdef Py_ssize_t i, n
    cdef fd_str_entry* e
    holed = {f"k{i}": i for i in range(40)}
    del holed["k7"], holed["k30"]
    for d in ({}, {"REQUEST_METHOD": "GET"}, dict.fromkeys("abcdefgh", None), holed):
        e = fd_str_entries(d, &n)
        if e == NULL:
            return False
        pairs = [(<object>e[i].key, <object>e[i].value) for i in range(n) if e[i].value != NULL]
        if len(pairs) != len(d) or not all(k is k2 and v is v2 for (k, v), (k2, v2) in zip(pairs, d.items())):
            return False
    return fd_str_entries({1: 2, "a": 3}, &n) == NULL  # not a table of str keys: not read in place


#: the walk over the environ reads the dict's entries in place (CPython
#: 3.11-3.13, the default build; tests/app/test_framing.py holds it to that)
DIRECT_WALK = bool(FD_DIRECT_WALK) and _walks_agree()
cdef bint _direct = DIRECT_WALK


cdef struct Found:
    # what _suspicious's walk over the environ found (borrowed; NULL where
    # the key is absent): the method and path for _call, Host and the
    # protocol for _suspicious's own last test
    PyObject* method
    PyObject* path
    PyObject* host
    PyObject* protocol
    bint odd  # a key that is no str: the values above are looked up


cdef inline bint _look(PyObject* key, PyObject* value, Found* found) noexcept:
    """One environ entry of _suspicious's walk: True where it is suspicious."""
    cdef const char* k
    cdef Py_ssize_t n
    # a server's keys are compact ASCII strs (PEP 3333: native strings);
    # any other str key is left to framing.controls, and a key that is no
    # str at all (framing.controls skips none: the pure twin raises) means
    # the keys picked out are looked up after the walk
    if not (PyUnicode_CheckExact(<object>key) and PyUnicode_IS_COMPACT_ASCII(<object>key)):
        if isinstance(<object>key, str):
            return True
        found.odd = True
        return False
    k = <const char*>PyUnicode_DATA(<object>key)
    # PERF: the first character sorts the keys: most fail here, a third of
    # a server's (wsgi.*, the server's own) at the first test
    if k[0] > 83:  # past "S"
        return False
    n = PyUnicode_GET_LENGTH(<object>key)
    if k[0] == 72:  # "H"
        if n < 5 or memcmp(k, "HTTP_", 5) != 0:
            return False
        if _named(k, n, "HTTP_HOST", 9):
            found.host = value
        elif _named(k, n, "HTTP_TRANSFER_ENCODING", 22):
            return True
        # framing.controls: a control character in a header value (any
        # value in another kind than latin-1's one byte a character is left
        # to it)
        if not PyUnicode_CheckExact(<object>value):
            return False
        if PyUnicode_KIND(<object>value) != 1:
            return True
        return _control_in(<const unsigned char*>PyUnicode_DATA(<object>value), PyUnicode_GET_LENGTH(<object>value))
    if k[0] == 82:  # "R"
        if _named(k, n, "REQUEST_METHOD", 14):
            found.method = value
    elif k[0] == 80:  # "P"
        if _named(k, n, "PATH_INFO", 9):
            found.path = value
    elif k[0] == 67:  # "C"
        return _named(k, n, "CONTENT_LENGTH", 14) and not _digits(<object>value)
    elif k[0] == 83:  # "S"
        if _named(k, n, "SERVER_PROTOCOL", 15):
            found.protocol = value
    return False


cdef bint _looked_up(dict environ, Found* found) except -1:
    """``found`` filled by dict lookups (an environ with a key that is no
    str: one that equals a str would be found by a lookup); True where the
    framing headers found are suspicious."""
    cdef PyObject* hit
    found.method = PyDict_GetItemWithError(environ, "REQUEST_METHOD")
    found.path = PyDict_GetItemWithError(environ, "PATH_INFO")
    found.host = PyDict_GetItemWithError(environ, "HTTP_HOST")
    found.protocol = PyDict_GetItemWithError(environ, "SERVER_PROTOCOL")
    if PyDict_GetItemWithError(environ, "HTTP_TRANSFER_ENCODING") != NULL:
        return True
    hit = PyDict_GetItemWithError(environ, "CONTENT_LENGTH")
    return hit != NULL and not _digits(<object>hit)


cdef bint _suspicious(dict environ, Found* found) except -1:
    """The twin's docstring says what this is.  ``found``: the values of
    REQUEST_METHOD and PATH_INFO, filled where False is returned.

    PERF: one walk over the environ answers it all: the control-character
    scan of the HTTP_* values must visit every key anyway, so the keys
    looked up besides (Transfer-Encoding, Content-Length, Host, the
    protocol, the method, the path) are picked out on the way instead of
    hashed and probed for.  Picking out by content is the dict's own lookup
    only where every key is a str (a str subclass answers True:
    ``framing.refusal`` judges such an environ in full, and ``_call`` then
    looks its keys up itself; where a key is no str, ``_looked_up`` finds
    them).  The walk reads the entries in place (``_dictwalk.h``) where it
    can, else with PyDict_Next."""
    cdef Py_ssize_t pos = 0, i, n
    cdef PyObject* key
    cdef PyObject* value
    cdef fd_str_entry* e = fd_str_entries(environ, &n) if _direct else NULL
    found.method = found.path = found.host = found.protocol = NULL
    found.odd = False
    if e != NULL:
        # no Python code runs in the walk: nothing changes the dict under it
        for i in range(n):
            if e[i].value != NULL and _look(e[i].key, e[i].value, found):
                return True
    else:
        while PyDict_Next(environ, &pos, &key, &value):
            if _look(key, value, found):
                return True
    if found.odd and _looked_up(environ, found):
        return True
    if found.host == NULL or (PyUnicode_CheckExact(<object>found.host) and PyUnicode_GET_LENGTH(<object>found.host) == 0):
        if found.protocol != NULL and _is(<object>found.protocol, "HTTP/1.1"):
            return True
    return False


cdef enum:
    STACK_ARGS = 8  # the most values _call_view passes from its stack


cdef object _call_view(object view, dict args, PyObject* names):
    """``view(**args)``; ``names``: the router's tuple of the names of the
    values (NULL: none known)."""
    cdef PyObject* stack[STACK_ARGS + 1]
    cdef fd_str_entry* e
    cdef Py_ssize_t i, n, entries
    if names != NULL and PyVectorcall_Function(view) != NULL:
        # PERF: a vectorcall with the router's tuple of names, where it is
        # the dict's keys in order, is what f(**d) makes of a dict (CPython
        # unpacks it into a stack and a tuple of its keys), without making
        # them: the values read from the dict's entries in place
        n = PyTuple_GET_SIZE(<object>names)
        if n == 0 and PyDict_GET_SIZE(args) == 0:
            return PyObject_Vectorcall(view, NULL, 0, NULL)
        e = fd_str_entries(args, &entries) if _direct else NULL
        if e != NULL and n <= STACK_ARGS and entries == n and PyDict_GET_SIZE(args) == n:
            for i in range(n):
                if e[i].key != PyTuple_GET_ITEM(<object>names, i):
                    break
            else:
                keys = <object>names  # held for the call, as the values are
                for i in range(n):
                    stack[i + 1] = e[i].value
                    Py_INCREF(<object>e[i].value)
                try:
                    return PyObject_Vectorcall(view, stack + 1, PY_VECTORCALL_ARGUMENTS_OFFSET_, names)  # no positional ones
                finally:
                    for i in range(n):
                        Py_DECREF(<object>stack[i + 1])
    # PERF: the params dict handed over as it is, as CPython's f(**d) does
    # for a dict (Cython's f(**d) copies it first)
    return PyObject_Call(view, (), args)


cdef class ShortPathState:
    """What ``App._short_path_state`` worked out for ``call``: the twin's
    docstring says what each field means."""

    cdef readonly bint matches, serves, text, json
    cdef readonly object match
    cdef readonly dict views
    cdef readonly type request_class
    # the CompiledRouter whose own match ``match`` is (None: another's), so
    # that _call matches through the C function.  PERF: no argument parse,
    # no (endpoint, values) tuple
    cdef object router

    def __init__(self, bint matches, bint serves, bint text, bint json, match, dict views not None, type request_class not None):
        self.matches = matches
        self.serves = serves
        self.text = text
        self.json = json
        self.match = match
        self.views = views
        self.request_class = request_class
        self.router = None
        if (_router_match != NULL and getattr(match, "__func__", None) is _COMPILED_MATCH
                and isinstance(getattr(match, "__self__", None), CompiledRouter)):
            self.router = match.__self__


def call(WSGICallable app not None, environ, start_response):
    if type(environ) is dict:
        return _call(app, <dict>environ, start_response)
    return _not_a_dict(app, environ, start_response)


cdef object _not_a_dict(app, environ, start_response):
    """An environ that is no dict of the exact type (gevent's
    ``WSGISecureEnviron`` is a subclass; PEP 3333 asks for a dict): the
    walk reads a dict's own table, which a subclass may not hold as its
    ``get`` tells, so the request is judged in full (framing.refusal) and
    served by the full pipeline, which reads it as the pure twin does."""
    refused = refusal(app, environ, start_response)
    if refused is not None:
        return refused
    return app.wsgi_app(environ, start_response)


cdef class WSGICallable:
    """``App``'s base: ``app(environ, start_response)`` is ``call``.

    PERF: a call slot of the type's own, which a Python subclass inherits as
    it is; a ``__call__`` in a Python class costs each request a method
    lookup and an argument tuple repacked (more than the view's own call).
    ``_fast`` (the app's ``ShortPathState``, None until worked out) is a C
    field for the same reason: read per request without an attribute lookup."""

    cdef public ShortPathState _fast
    # PERF: CPython calls an instance through this (a vectorcall: no
    # argument tuple made, no argument parse) where its type has the
    # vectorcall flag, which _take_vectorcall sets
    cdef void* _vectorcall

    def __cinit__(self, *args, **kwargs):
        self._vectorcall = <void*>_vectorcall_entry
        _take_vectorcall(type(self))

    def __call__(self, environ, start_response):
        if type(environ) is dict:
            return _call(self, <dict>environ, start_response)
        return _not_a_dict(self, environ, start_response)


cdef extern from "Python.h":
    ctypedef struct TypeSlots "PyTypeObject":
        Py_ssize_t tp_vectorcall_offset
        unsigned long tp_flags
        void* tp_call
    unsigned long Py_TPFLAGS_HAVE_VECTORCALL
    Py_ssize_t PyVectorcall_NARGS(size_t nargsf)
    void PyTuple_SET_ITEM(object t, Py_ssize_t i, object o)

ctypedef object (*call_slot)(object, object, PyObject*)  # tp_call: its keywords NULL where none

cdef TypeSlots* _own = <TypeSlots*>WSGICallable
cdef void* _own_call = _own.tp_call  # __call__'s slot


cdef void _take_vectorcall(type cls) noexcept:
    """Calls of ``cls``'s instances through ``_vectorcall_entry``, where
    ``cls``'s call slot is WSGICallable's own.  (A Python subclass inherits
    the vectorcall flag only from 3.12 on; set here as its first instance is
    made, once.)"""
    cdef TypeSlots* slots = <TypeSlots*>cls
    if _own.tp_vectorcall_offset == 0:
        return  # the module is loading: the offset is not known yet
    if slots.tp_call == _own_call and not (slots.tp_flags & Py_TPFLAGS_HAVE_VECTORCALL):
        slots.tp_vectorcall_offset = _own.tp_vectorcall_offset
        slots.tp_flags |= Py_TPFLAGS_HAVE_VECTORCALL


cdef object _vectorcall_entry(object app, PyObject** args, size_t nargsf, PyObject* kwnames):
    cdef Py_ssize_t i, n = PyVectorcall_NARGS(nargsf)
    if n == 2 and kwnames == NULL and type(<object>args[0]) is dict and (<TypeSlots*>Py_TYPE(app)).tp_call == _own_call:
        return _call(app, <dict>args[0], <object>args[1])
    # keywords, another count, a dict subclass, or a __call__ set on the
    # class since (3.11 keeps the flag then): the call slot, as a call
    # without vectorcall makes it
    positional = PyTuple_New(n)
    for i in range(n):
        PyTuple_SET_ITEM(positional, i, <object>args[i])
        Py_INCREF(<object>args[i])
    if kwnames == NULL:
        return (<call_slot>(<TypeSlots*>Py_TYPE(app)).tp_call)(app, positional, NULL)
    keywords = {}
    for i in range(PyTuple_GET_SIZE(<object>kwnames)):
        keywords[<object>PyTuple_GET_ITEM(<object>kwnames, i)] = <object>args[n + i]
    return (<call_slot>(<TypeSlots*>Py_TYPE(app)).tp_call)(app, positional, <PyObject*>keywords)


cdef Py_ssize_t _vectorcall_offset(WSGICallable probe):
    return <Py_ssize_t>(<char*>&probe._vectorcall - <char*><PyObject*>probe)


# before any subclass copies the slots (App's is made after this module loads)
_own.tp_vectorcall_offset = _vectorcall_offset(WSGICallable.__new__(WSGICallable))
_own.tp_flags |= Py_TPFLAGS_HAVE_VECTORCALL


cdef object _call(app, dict environ, start_response):
    # app: a WSGICallable (the callers' argument types say so)
    cdef PyObject* hit
    cdef ShortPathState state
    cdef Found found
    if _suspicious(environ, &found):
        refused = refusal(app, environ, start_response)
        if refused is not None:
            return refused
        # served after all: the walk stopped early, the keys are looked up.
        # PERF: GetItemWithError: the keys are str, nothing to raise, and
        # no error state saved and restored around the lookup
        found.method = PyDict_GetItemWithError(environ, "REQUEST_METHOD")
        found.path = PyDict_GetItemWithError(environ, "PATH_INFO")
    # PERF: straight from the environ; the router upper-cases the method
    # itself.  Paths that are not ASCII are WSGI's latin-1: decoded first.
    # (Taken as references before any Python code runs.)
    method = _known_method(<object>found.method) if found.method != NULL else "GET"
    path = <object>found.path if found.path != NULL else ""
    state = (<WSGICallable>app)._fast or app._short_path_state()
    if not state.matches:
        return app.wsgi_app(environ, start_response)
    if type(path) is not str:
        return app.wsgi_app(environ, start_response)  # not WSGI: the pipeline says why
    if not PyUnicode_IS_ASCII(path):
        path = _wsgi_decode(path)
    cdef PyObject* values = NULL
    cdef PyObject* names = NULL
    try:
        if state.router is not None and type(method) is str:
            endpoint = _router_match(state.router, method, path, &values, &names)
            args = <object>values
            Py_DECREF(args)  # the match's reference, now args'
        else:
            endpoint, args = state.match(method, path)
    except RoutingException as e:
        return app.dispatch_matched(environ, start_response, None, None, e)
    if not state.serves:
        return app.dispatch_matched(environ, start_response, endpoint, args, None)
    req = _new_request(state.request_class, environ, app, endpoint, args)
    token = PyContextVar_Set(_cv, req)
    try:
        try:
            try:
                rv = _call_view(state.views[endpoint], args, names)
            except Exception as e:
                rv = app.handle_user_exception(e)
            # PERF: the common view returns text: no Response object (where
            # nothing else is to be done: _plain)
            if type(rv) is str and _plain(app, environ, req):
                body = PyUnicode_AsUTF8String(rv)
                start_response("200 OK", [_TEXT_HTML, _content_length(len(body))])
                return [] if _is(method, "HEAD") else [body]  # as Werkzeug's Response: the environ's own value
            # PERF: nor for a dict (a JSON API's answer), made as app.json
            # makes it outside debug mode
            if type(rv) is dict and state.json and _plain(app, environ, req) and not app.config["DEBUG"]:
                body = PyUnicode_AsUTF8String(compact_json(rv) + "\n")
                start_response("200 OK", [_APPLICATION_JSON, _content_length(len(body))])
                return [] if _is(method, "HEAD") else [body]
            response = app.finalize_request(rv)
        except Exception as e:
            response = app.handle_exception(e)
        return response(environ, start_response)
    finally:
        if _get(req, _FORM_LOADED) != Py_False:
            req.close()  # uploads spooled to temporary files
        PyContextVar_Reset(_cv, token)

# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The compiled router, built as ``fastdispatch.routing._router``: the twin
of ``fastdispatch/routing/_router_py.py`` (``CompiledRouter`` reads against
``PythonRouter`` method by method; the search below against its Python
twin, ``tests/reference_walk.py``, function by function: same node
structure, field and function names, in the same order; the docstring there
explains the search).  What differs from the walk is speed: typed nodes, loops over the path's characters in C, the
built-in converters checked without regular expressions, and nothing
allocated while searching: matched values are kept as (start, end) offsets
into the path and cut out only for the rule that wins.  And size (issue
15): where a walk's node has lists, a str of indices and a dict of Leaf
objects per method, a node here has one C block (``kids``, ``_dyn``,
``_idx``, ``_ascii``) and a C array of ``Entry`` (``table``, read by
``_entry`` where the walk reads ``by_method``).
"""

import re

from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.pycapsule cimport PyCapsule_New
from cpython.object cimport PyTypeObject, traverseproc, visitproc
from cpython.ref cimport Py_DECREF, Py_INCREF, PyObject
from libc.string cimport memchr, memcmp, memcpy, memmove

from fastdispatch.routing.adapter import bind, bind_to_environ
from fastdispatch.routing.exceptions import MethodNotAllowed, NotFound, RequestRedirect
from fastdispatch.routing.rules import C_IDENT, C_INT
from fastdispatch.routing.table import RuleTable, is_automatic, method_map

cdef extern from "Python.h":
    int PyUnicode_KIND(object o)
    void* PyUnicode_DATA(object o)
    Py_UCS4 PyUnicode_READ(int kind, void* data, Py_ssize_t index)
    Py_ssize_t PyUnicode_GET_LENGTH(object o)
    object PyUnicode_Substring(object s, Py_ssize_t start, Py_ssize_t end)
    bint Py_UNICODE_ISDECIMAL(Py_UCS4 ch)
    object PyLong_FromLongLong(long long v)

# Must equal fastdispatch.routing.rules.K_*; checked when the module loads.
cdef enum:
    K_STRING = 1
    K_INT = 2
    K_FLOAT = 3
    K_UUID = 4
    K_ANY = 5
    K_PATH = 6
    K_REGEX = 7

cdef enum:
    NONE = 0
    FOUND = 1
    SLASH = 2  # Werkzeug's SlashRequired: ends the search at once

cdef enum:
    STACK_VALUES = 32
    MAX_HAVES = 8

_SLASHES = re.compile("/{2,}")


cdef struct Entry:
    # What a node holds for one method: the first rule allowing it (and
    # what the search reads of it, so that it reads nothing else of the
    # rule's), and the methods of the rules Werkzeug passes over before
    # reaching it; all references owned (_free_table)
    PyObject* method
    PyObject* rule
    PyObject* endpoint
    PyObject* names       # tuple
    PyObject* conv_kinds  # tuple
    PyObject* defaults    # dict or None
    PyObject* before      # frozenset
    # (chars, not bints: an entry fits in 64 bytes)
    unsigned char all_ident
    unsigned char strict  # strict_slashes
    # an automatic method of the rule (Flask's implicit OPTIONS): noted for
    # the 405, never matched; only the trailing-slash redirect follows it
    unsigned char automatic


cdef struct Ctx:
    int kind           # the path's PEP 393 storage
    void* data
    Py_ssize_t n
    PyObject* method
    # The methods that matched the path elsewhere (for a 405), gathered as
    # borrowed frozensets owned by the nodes: nothing is allocated unless
    # the match fails; past MAX_HAVES they are merged into the set `have`.
    PyObject* haves[MAX_HAVES]
    int nhaves
    PyObject* have
    Entry* leaf        # the entry found
    Py_ssize_t* spans  # (start, end) of each value, in path order
    Py_ssize_t nspans
    # the first entry passed whose method is automatic, and its spans: the
    # rule Werkzeug matches for that method (MethodNotAllowed.automatic_match)
    bint note_automatic
    Entry* automatic
    Py_ssize_t* automatic_spans
    Py_ssize_t automatic_nspans


cdef inline PyObject* _own(object o):
    Py_INCREF(o)
    return <PyObject*>o


cdef Py_ssize_t _fill(Entry* e, dict by_method) except -1:
    """The entries for method_map's ``by_method``, at ``e``."""
    cdef Py_ssize_t n = 0
    for m, hit in by_method.items():
        r = hit[0]
        e[n].method = _own(m)
        e[n].rule = _own(r)
        e[n].endpoint = _own(r.endpoint)
        e[n].names = _own(r.names)
        e[n].conv_kinds = _own(r.conv_kinds)
        e[n].defaults = _own(r.defaults)
        e[n].before = _own(hit[1])
        e[n].all_ident = r.all_ident
        e[n].strict = r.strict_slashes
        e[n].automatic = is_automatic(m, hit)
        n += 1
    return 0


cdef void _free_table(Entry* e, Py_ssize_t n) noexcept:
    cdef Py_ssize_t i
    for i in range(n):
        Py_DECREF(<object>e[i].method)
        Py_DECREF(<object>e[i].rule)
        Py_DECREF(<object>e[i].endpoint)
        Py_DECREF(<object>e[i].names)
        Py_DECREF(<object>e[i].conv_kinds)
        Py_DECREF(<object>e[i].defaults)
        Py_DECREF(<object>e[i].before)
    PyMem_Free(e)


cdef inline Entry* _entry(Entry* e, Py_ssize_t n, PyObject* method):
    """The entry for ``method`` among ``e[:n]``, or NULL: str equality, as
    the dict it replaces compared keys (the rule's methods are interned,
    a request's usually not)."""
    cdef Py_ssize_t i, length = PyUnicode_GET_LENGTH(<object>method)
    cdef int kind = PyUnicode_KIND(<object>method)
    for i in range(n):
        if e[i].method == method:
            return e + i
        if (PyUnicode_GET_LENGTH(<object>e[i].method) == length and PyUnicode_KIND(<object>e[i].method) == kind
                and memcmp(PyUnicode_DATA(<object>e[i].method), PyUnicode_DATA(<object>method), length * kind) == 0):
            return e + i
    return NULL


cdef class Node:
    # PERF: the fields the search reads come first, so that a node it
    # passes costs one or two cache lines (the 10,000-route benchmark and
    # real servers, whose caches the network stack keeps cold, notice).
    cdef Py_ssize_t plen
    # The children and dynamic parts in one block, C arrays the search
    # reads without list or str machinery: kids[:nkids] (Nodes, owned),
    # then, past kcap, the dynamic parts (_dyn: Edges, owned, sorted by
    # weight, equal weights in insertion order), the first character of
    # each child (_idx), and the prefix's text where it is ASCII (_ascii).
    # PERF: no list or str per node beside it, the capacities doubled as
    # they grow (issue 15: bytes per rule; _layout)
    cdef PyObject** kids
    # PERF: the method tables of the rules here as C arrays, not a dict of
    # objects per node (issue 15: bytes per rule): table[:nmeth], one entry
    # per method; table[nmeth:nmeth + nlax], the same for the rules here
    # with strict_slashes=False, which also match the path plus "/"
    cdef Entry* table
    cdef int nkids, ndyn, nmeth, nlax, kcap, dcap
    cdef bint ascii
    cdef readonly str prefix
    cdef tuple rules  # in registration order; None: none
    cdef frozenset all_methods
    cdef frozenset lax_methods  # (all_methods of the lax table)

    def __init__(self, str prefix):
        self.prefix = prefix
        self.all_methods = _NO_METHODS
        self.lax_methods = _NO_METHODS
        _layout(self, 0, 0)

    cdef int _set_table(self) except -1:
        """The method tables for ``rules``, after a rule is added here."""
        by_method, self.all_methods = method_map(self.rules)
        lax = [r for r in self.rules if not r.strict_slashes]
        lax_by_method = {}
        if lax:
            lax_by_method, self.lax_methods = method_map(lax)
        cdef Py_ssize_t n = len(by_method), nl = len(lax_by_method)
        cdef Entry* table = <Entry*>PyMem_Malloc((n + nl) * sizeof(Entry))
        if table == NULL:
            raise MemoryError()
        _fill(table, by_method)
        _fill(table + n, lax_by_method)
        _free_table(self.table, self.nmeth + self.nlax)
        self.table = table
        self.nmeth = n
        self.nlax = nl
        return 0

    def __dealloc__(self):
        cdef int i
        cdef PyObject** dyn = _dyn(self)
        for i in range(self.nkids):
            Py_DECREF(<object>self.kids[i])
        for i in range(self.ndyn):
            Py_DECREF(<object>dyn[i])
        PyMem_Free(self.kids)
        _free_table(self.table, self.nmeth + self.nlax)


cdef frozenset _NO_METHODS = frozenset()


cdef inline PyObject** _dyn(Node node):
    return node.kids + node.kcap


cdef inline Py_UCS4* _idx(Node node):
    return <Py_UCS4*>(node.kids + node.kcap + node.dcap)


cdef inline const char* _ascii(Node node):
    """The prefix's text, NULL where it is not ASCII."""
    return <const char*>(_idx(node) + node.kcap) if node.ascii else NULL


cdef int _layout(Node node, int kcap, int dcap) except -1:
    """A new block for ``node``: these capacities, its children and
    dynamic parts moved there, the prefix's text copied (after the prefix
    changed, or to grow)."""
    cdef Py_ssize_t pl = len(node.prefix)
    cdef bint ascii = node.prefix.isascii()
    cdef PyObject** block = <PyObject**>PyMem_Malloc(
        (kcap + dcap) * sizeof(PyObject*) + kcap * sizeof(Py_UCS4) + (pl + 1 if ascii else 0))
    if block == NULL:
        raise MemoryError()
    if node.kids != NULL:
        memcpy(block, node.kids, node.nkids * sizeof(PyObject*))
        memcpy(block + kcap, _dyn(node), node.ndyn * sizeof(PyObject*))
        memcpy(<Py_UCS4*>(block + kcap + dcap), _idx(node), node.nkids * sizeof(Py_UCS4))
        PyMem_Free(node.kids)
    node.kids = block
    node.kcap = kcap
    node.dcap = dcap
    node.plen = pl
    node.ascii = ascii
    if ascii:
        memcpy(<char*>(_idx(node) + kcap), PyUnicode_DATA(node.prefix), pl)
    return 0


cdef int _add_kid(Node node, Node child) except -1:
    if node.nkids == node.kcap:
        _layout(node, 2 * node.kcap or 1, node.dcap)
    node.kids[node.nkids] = _own(child)
    _idx(node)[node.nkids] = child.prefix[0]
    node.nkids += 1
    return 0


cdef int _add_edge(Node node, int i, Edge edge) except -1:
    """``edge`` as ``node``'s i-th dynamic part."""
    if node.ndyn == node.dcap:
        _layout(node, node.kcap, 2 * node.dcap or 1)
    cdef PyObject** dyn = _dyn(node)
    memmove(dyn + i + 1, dyn + i, (node.ndyn - i) * sizeof(PyObject*))
    dyn[i] = _own(edge)
    node.ndyn += 1
    return 0


cdef int _node_traverse(PyObject* o, visitproc visit, void* arg) except -1:
    """Node's tp_traverse: its fields (Cython's), and what its arrays own,
    so that the collector sees a cycle through them (a converter holds
    the router, the router its tree)."""
    cdef int r = _node_fields_traverse(o, visit, arg)
    if r:
        return r
    return _traverse_arrays(<Node><void*>o, visit, arg)


cdef int _traverse_arrays(Node node, visitproc visit, void* arg) except -1:
    cdef int i, r
    cdef PyObject** dyn = _dyn(node)
    for i in range(node.nkids):
        r = visit(node.kids[i], arg)
        if r:
            return r
    for i in range(node.ndyn):
        r = visit(dyn[i], arg)
        if r:
            return r
    for i in range(node.nmeth + node.nlax):
        r = _visit_entry(node.table + i, visit, arg)
        if r:
            return r
    return 0


cdef int _visit_entry(Entry* e, visitproc visit, void* arg) except -1:
    cdef PyObject* refs[7]
    cdef int j, r
    refs[0] = e.method
    refs[1] = e.rule
    refs[2] = e.endpoint
    refs[3] = e.names
    refs[4] = e.conv_kinds
    refs[5] = e.defaults
    refs[6] = e.before
    for j in range(7):
        r = visit(refs[j], arg)
        if r:
            return r
    return 0


cdef class Edge:
    """A dynamic part and the subtree after it."""
    cdef object key
    cdef object weight
    cdef int kind
    cdef Py_ssize_t lo, hi
    cdef bint signed
    cdef tuple items
    cdef object regex
    cdef tuple groups
    cdef bint final, suffixed
    cdef Node child

    def __init__(self, part):
        self.key = part.key
        self.weight = part.weight
        self.kind = part.kind
        self.lo = part.lo
        self.hi = part.hi
        self.signed = part.signed
        self.items = tuple(part.items)
        self.regex = part.regex
        self.groups = tuple(part.regex.groupindex[f"__werkzeug_{i}"] for i in range(part.nconv)) if part.regex else ()
        self.final = part.final
        self.suffixed = part.suffixed
        self.child = Node("")


cdef Node _insert_static(Node node, str text):
    cdef Node child, split
    cdef Py_ssize_t i, k
    while text:
        i = _index(node, text[0])
        if i < 0:
            child = Node(text)
            _add_kid(node, child)
            return child
        child = <Node>node.kids[i]
        p = child.prefix
        k = 1
        while k < len(p) and k < len(text) and p[k] == text[k]:
            k += 1
        if k < len(p):
            split = Node(p[:k])
            child.prefix = p[k:]
            _layout(child, child.kcap, child.dcap)
            _add_kid(split, child)
            node.kids[i] = _own(split)
            Py_DECREF(child)  # split holds it now
            child = split
        node = child
        text = text[k:]
    return node


cdef Node _insert_dynamic(Node node, part):
    cdef Edge edge
    cdef PyObject** dyn = _dyn(node)
    cdef int i
    for i in range(node.ndyn):
        edge = <Edge>dyn[i]
        if edge.key == part.key:
            return edge.child
    edge = Edge(part)
    i = node.ndyn
    while i and part.weight < (<Edge>dyn[i - 1]).weight:
        i -= 1
    _add_edge(node, i, edge)
    return edge.child


cdef inline bint _startswith(Ctx* c, str p, const char* ascii, Py_ssize_t plen, Py_ssize_t pos):
    """path[pos:pos + plen] == p[:plen]; ``ascii``: p's text where it is
    ASCII (a node's copy, next to its arrays), else NULL"""
    if pos + plen > c.n:
        return False
    if ascii != NULL and c.kind == 1:
        return memcmp(<char*>c.data + pos, ascii, plen) == 0
    cdef int pk = PyUnicode_KIND(p)
    cdef void* pd = PyUnicode_DATA(p)
    cdef Py_ssize_t i
    if pk == c.kind:
        return memcmp(<char*>c.data + pos * pk, pd, plen * pk) == 0
    for i in range(plen):
        if PyUnicode_READ(c.kind, c.data, pos + i) != PyUnicode_READ(pk, pd, i):
            return False
    return True


cdef inline Py_ssize_t _find(Ctx* c, Py_UCS4 ch, Py_ssize_t pos):
    """Index of ch in path[pos:], or the path's length."""
    cdef const char* hit
    cdef Py_ssize_t i
    if c.kind == 1:
        hit = <const char*>memchr(<char*>c.data + pos, <int>ch, c.n - pos)
        return c.n if hit == NULL else hit - <char*>c.data
    for i in range(pos, c.n):
        if PyUnicode_READ(c.kind, c.data, i) == ch:
            return i
    return c.n


cdef inline bint _digits(Ctx* c, Py_ssize_t pos, Py_ssize_t end):
    """path[pos:end] is one or more decimal digits, as re's \\d+ (Unicode)."""
    if pos >= end:
        return False
    while pos < end:
        if not Py_UNICODE_ISDECIMAL(PyUnicode_READ(c.kind, c.data, pos)):
            return False
        pos += 1
    return True


cdef bint _check_int(Ctx* c, Py_ssize_t pos, Py_ssize_t end, bint signed):
    if signed and pos < end and PyUnicode_READ(c.kind, c.data, pos) == u"-":
        pos += 1
    return _digits(c, pos, end)


cdef bint _check_float(Ctx* c, Py_ssize_t pos, Py_ssize_t end, bint signed):
    if signed and pos < end and PyUnicode_READ(c.kind, c.data, pos) == u"-":
        pos += 1
    cdef Py_ssize_t dot = _find(c, u".", pos)
    if dot >= end:
        return False
    return _digits(c, pos, dot) and _digits(c, dot + 1, end)


cdef bint _check_uuid(Ctx* c, Py_ssize_t pos, Py_ssize_t end):
    cdef Py_ssize_t i
    cdef Py_UCS4 ch
    if end - pos != 36:
        return False
    for i in range(36):
        ch = PyUnicode_READ(c.kind, c.data, pos + i)
        if i == 8 or i == 13 or i == 18 or i == 23:
            if ch != u"-":
                return False
        elif not (u"0" <= ch <= u"9" or u"a" <= ch <= u"f" or u"A" <= ch <= u"F"):
            return False
    return True


cdef bint _check_any(Ctx* c, Py_ssize_t pos, Py_ssize_t end, tuple items):
    cdef str item
    for item in items:
        if PyUnicode_GET_LENGTH(item) == end - pos and _startswith(c, item, NULL, end - pos, pos):
            return True
    return False


cdef int _have_add(Ctx* c, frozenset methods) except -1:
    cdef int i
    if not methods:
        return 0
    if c.nhaves < MAX_HAVES:
        c.haves[c.nhaves] = <PyObject*>methods
        c.nhaves += 1
        return 0
    if c.have == NULL:
        have = set()
        c.have = <PyObject*>have
        Py_INCREF(have)
    (<set>c.have).update(methods)
    return 0


cdef set _have_set(Ctx* c):
    cdef set have = set() if c.have == NULL else set(<object>c.have)
    cdef int i
    for i in range(c.nhaves):
        have.update(<frozenset>c.haves[i])
    return have


cdef inline void _note_automatic(Ctx* c, Entry* hit) noexcept:
    if c.note_automatic and c.automatic == NULL:
        c.automatic = hit
        memcpy(c.automatic_spans, c.spans, c.nspans * sizeof(Py_ssize_t))
        c.automatic_nspans = c.nspans


cdef inline Py_ssize_t _index(Node node, Py_UCS4 ch):
    cdef Py_UCS4* idx = _idx(node)
    cdef Py_ssize_t i
    for i in range(node.nkids):
        if idx[i] == ch:
            return i
    return -1


cdef int _lookup(Node node, str path, Py_ssize_t pos, Ctx* c, bint inner) except -1:
    # PERF: the last alternative at a node is a tail call, so it loops
    # instead of recursing; a recursion is left only where there is
    # something to come back to.
    cdef Node child
    cdef Edge edge
    cdef Entry* hit
    cdef Py_ssize_t i, k, end, nxt, mark, length, g, s, e
    cdef int r
    cdef bint ok
    while True:
        if (node.nlax and not inner and pos == c.n - 1
                and PyUnicode_READ(c.kind, c.data, pos) == u"/"):
            # Werkzeug's last resort with only a trailing slash left: the
            # rules here without strict slashes, once all else has failed
            mark = c.nspans
            r = _lookup(node, path, pos, c, True)
            if r != NONE:
                return r
            c.nspans = mark
            hit = _entry(node.table + node.nmeth, node.nlax, c.method)
            if hit != NULL:
                if not hit.automatic:
                    _have_add(c, <frozenset>hit.before)
                    c.leaf = hit
                    return FOUND
                _note_automatic(c, hit)
            _have_add(c, node.lax_methods)
            return NONE
        inner = False
        if pos == c.n:
            if node.nmeth:
                hit = _entry(node.table, node.nmeth, c.method)
                if hit != NULL:
                    if not hit.automatic:
                        _have_add(c, <frozenset>hit.before)
                        c.leaf = hit
                        return FOUND
                    _note_automatic(c, hit)
                _have_add(c, node.all_methods)
            i = _index(node, u"/")
            if i >= 0:
                child = <Node>node.kids[i]
                if child.plen == 1:
                    hit = _entry(child.table, child.nmeth, c.method)
                    if hit != NULL:
                        if hit.strict:
                            return SLASH
                        if not hit.automatic:
                            c.leaf = hit  # strict_slashes=False: the rule itself
                            return FOUND
        else:
            i = _index(node, PyUnicode_READ(c.kind, c.data, pos))
            if i >= 0:
                child = <Node>node.kids[i]
                if _startswith(c, child.prefix, _ascii(child), child.plen, pos):
                    if node.ndyn == 0:
                        node = child
                        pos += child.plen
                        continue
                    mark = c.nspans
                    r = _lookup(child, path, pos + child.plen, c, False)
                    if r != NONE:
                        return r
                    c.nspans = mark  # a tail call below may have left values
                elif (child.plen == c.n - pos + 1 and child.prefix[child.plen - 1] == u"/"
                      and _startswith(c, child.prefix, _ascii(child), child.plen - 1, pos)):
                    # the path ends one "/" short of this child's rules
                    hit = _entry(child.table, child.nmeth, c.method)
                    if hit != NULL:
                        if hit.strict:
                            return SLASH
                        if not hit.automatic:
                            c.leaf = hit
                            return FOUND
        if node.ndyn == 0:
            return NONE
        end = _find(c, u"/", pos)
        mark = c.nspans
        for k in range(node.ndyn):
            edge = <Edge>_dyn(node)[k]
            nxt = end
            if edge.kind == K_STRING:
                length = end - pos
                if length < edge.lo or (edge.hi >= 0 and length > edge.hi):
                    continue
            elif edge.kind == K_PATH:
                if pos == c.n or PyUnicode_READ(c.kind, c.data, pos) == u"/" or _find(c, u"\n", pos + 1) < c.n:
                    continue
                nxt = c.n
            elif edge.kind == K_REGEX:
                m = edge.regex.match(PyUnicode_Substring(path, pos, c.n if edge.final else end))
                if m is None:
                    continue
                for g in edge.groups:
                    s, e = m.span(g)
                    c.spans[c.nspans] = pos + s
                    c.spans[c.nspans + 1] = pos + e
                    c.nspans += 2
                if edge.final:
                    nxt = c.n
                    if edge.suffixed:
                        s, e = m.span(m.re.groups)
                        if e > s:
                            nxt = c.n - 1
                if k == node.ndyn - 1:
                    break
                r = _lookup(edge.child, path, nxt, c, False)
                if r != NONE:
                    return r
                c.nspans = mark
                continue
            else:
                if edge.kind == K_INT:
                    ok = _check_int(c, pos, end, edge.signed)
                elif edge.kind == K_ANY:
                    ok = _check_any(c, pos, end, edge.items)
                elif edge.kind == K_FLOAT:
                    ok = _check_float(c, pos, end, edge.signed)
                else:
                    ok = _check_uuid(c, pos, end)
                if not ok:
                    continue
            c.spans[c.nspans] = pos
            c.spans[c.nspans + 1] = nxt
            c.nspans += 2
            if k == node.ndyn - 1:
                break
            r = _lookup(edge.child, path, nxt, c, False)
            if r != NONE:
                return r
            c.nspans = mark
        else:
            return NONE
        node = edge.child
        pos = nxt


cdef int _search(Node root, str path, Ctx* c) except -1:
    c.kind = PyUnicode_KIND(path)
    c.data = PyUnicode_DATA(path)
    c.n = PyUnicode_GET_LENGTH(path)
    c.nspans = 0
    return _lookup(root, path, 0, c, False)


cdef object _to_int(str value, Ctx* c, Py_ssize_t start, Py_ssize_t end):
    """int(value) for an ASCII number that fits; int() otherwise."""
    cdef long long acc = 0
    cdef bint neg = False
    cdef Py_ssize_t i = start
    cdef Py_UCS4 ch
    if end - start > 18:
        return int(value)
    if PyUnicode_READ(c.kind, c.data, i) == u"-":
        neg = True
        i += 1
    while i < end:
        ch = PyUnicode_READ(c.kind, c.data, i)
        if not (u"0" <= ch <= u"9"):
            return int(value)  # other Unicode decimal digits
        acc = acc * 10 + (<long long>ch - 48)  # 48: ord("0")
        i += 1
    return PyLong_FromLongLong(-acc if neg else acc)


cdef dict _convert(Entry* leaf, str path, Ctx* c):
    """The params dict, or None where a converter refuses its value."""
    cdef dict params = {}
    cdef Py_ssize_t i, start, end
    cdef tuple ck
    cdef tuple names = <tuple>leaf.names
    cdef int kind
    for i in range(len(names)):
        start = c.spans[2 * i]
        end = c.spans[2 * i + 1]
        value = PyUnicode_Substring(path, start, end)
        if not leaf.all_ident:
            ck = (<tuple>leaf.conv_kinds)[i]
            kind = ck[0]
            if kind == C_INT:
                fixed = ck[2]
                if fixed and end - start != fixed:
                    return None
                try:
                    value = _to_int(value, c, start, end)
                except ValueError:  # more digits than int() takes: Werkzeug's 404 too
                    return None
                lo = ck[3]
                hi = ck[4]
                if (lo is not None and value < lo) or (hi is not None and value > hi):
                    return None
            elif kind != C_IDENT:
                try:
                    value = ck[1].to_python(value)
                except ValueError:
                    return None
        params[names[i]] = value
    if <object>leaf.defaults is not None:
        params.update(<dict>leaf.defaults)  # as Werkzeug adds them
    return params


cdef inline bint _is_upper_ascii(str s):
    cdef int k = PyUnicode_KIND(s)
    cdef void* d = PyUnicode_DATA(s)
    cdef Py_ssize_t i
    cdef Py_UCS4 ch
    for i in range(PyUnicode_GET_LENGTH(s)):
        ch = PyUnicode_READ(k, d, i)
        if not (u"A" <= ch <= u"Z"):
            return False
    return True


cdef class CompiledRouter:
    """Werkzeug-compatible router, compiled (see the module docstring)."""

    cdef object _table
    cdef Node _root
    # PERF: no dict of static rules in front of the tree (the pure twin's
    # _static): hashing the fresh path str costs what walking the tree to a
    # static rule costs here, and is wasted on every dynamic path.
    cdef Py_ssize_t _max_values
    cdef bint _has_defaults  # a rule has defaults: a match may redirect to it
    cdef readonly bint merge_slashes

    def __init__(self, bint merge_slashes=False):
        self.merge_slashes = merge_slashes
        self._table = RuleTable(self, merge_slashes)
        self._root = Node("")
        self._max_values = 0
        self._has_defaults = False

    @property
    def converters(self):
        """The converter classes rule syntax names (``int``, ``path``, ...),
        Werkzeug's ``Map.converters``: add a class here before adding the
        rules that name it."""
        return self._table.converters

    def add(self, str rule, endpoint, methods=("GET",), *, automatic=(), defaults=None, strict_slashes=True):
        """Register ``rule`` (Werkzeug's rule syntax) for ``endpoint`` and
        ``methods``; ``automatic``: methods answered for the rule without a
        view of their own (OPTIONS), ``defaults`` and ``strict_slashes`` as
        Werkzeug's ``Rule``.  A malformed or duplicated rule raises here,
        naming the rule."""
        r = self._table.parse(rule, endpoint, methods, automatic, defaults, strict_slashes)
        cdef Node node = self._root
        for piece in r.pieces:
            node = _insert_static(node, piece) if isinstance(piece, str) else _insert_dynamic(node, piece)
        node.rules = (r,) if node.rules is None else node.rules + (r,)
        node._set_table()
        self._max_values = max(self._max_values, len(r.names))
        self._has_defaults = self._table.has_defaults

    def match(self, str method not None, str path not None):
        """``(endpoint, values)`` for ``method`` and ``path``, the values
        converted; ``NotFound``, ``MethodNotAllowed`` (with
        ``valid_methods``) or ``RequestRedirect`` (308) otherwise, as
        Werkzeug's ``MapAdapter.match``."""
        cdef PyObject* values = NULL
        cdef PyObject* names
        endpoint = self._find(method, path, &values, &names)
        params = <object>values
        Py_DECREF(params)  # _find's reference, now params'
        return endpoint, params

    cdef object _find(self, str method, str path, PyObject** values, PyObject** names):
        """``match``'s endpoint, ``values[0]`` its values (a new reference),
        ``names[0]`` the names of the rule's own values (borrowed; a tuple,
        the keys of ``values`` where the rule has no defaults): what
        ``match`` and, through ``MATCH_C``, the compiled short path call."""
        cdef Entry* leaf
        cdef Ctx c
        cdef Py_ssize_t stack_spans[4 * STACK_VALUES]
        cdef int r
        cdef dict params
        if not _is_upper_ascii(method):
            method = method.upper()
        if path and (path[0] != u"/" or (len(path) > 1 and path[1] == u"/")):
            path = "/" + path.lstrip("/")  # as Werkzeug's MapAdapter does
        c.method = <PyObject*>method
        c.have = NULL
        c.nhaves = 0
        c.leaf = NULL
        c.nspans = 0
        c.spans = stack_spans
        if self._max_values > STACK_VALUES:
            c.spans = <Py_ssize_t*>PyMem_Malloc(4 * self._max_values * sizeof(Py_ssize_t))
            if c.spans == NULL:
                raise MemoryError()
        c.note_automatic = True
        c.automatic = NULL
        c.automatic_spans = c.spans + 2 * max(self._max_values, STACK_VALUES)
        try:
            r = _search(self._root, path, &c)
            if r == SLASH:
                raise RequestRedirect("/" + (path + "/").lstrip("/"))  # as make_redirect_url
            if r == NONE and self.merge_slashes and "//" in path:
                # Werkzeug's second try: a match with the slashes merged redirects there
                merged = _SLASHES.sub("/", path)
                c.note_automatic = False  # its spans are in the other path
                r = _search(self._root, merged, &c)
                if r == SLASH:
                    raise RequestRedirect(merged + "/")
                if r == FOUND:
                    raise RequestRedirect(merged)
            if r == FOUND:
                leaf = c.leaf
                params = _convert(leaf, path, &c)
                if params is not None:
                    if self._has_defaults:
                        target = self._table.default_redirect(<object>leaf.rule, method, params)
                        if target is not None:
                            raise RequestRedirect(target)
                    Py_INCREF(params)
                    values[0] = <PyObject*>params
                    names[0] = leaf.names
                    return <object>leaf.endpoint
            have = _have_set(&c)
            if not have:
                raise NotFound(path)
            e = MethodNotAllowed(have, method, path)
            if c.automatic != NULL:
                leaf = c.automatic
                memcpy(c.spans, c.automatic_spans, c.automatic_nspans * sizeof(Py_ssize_t))
                c.kind = PyUnicode_KIND(path)  # a merged path's second search may have replaced them
                c.data = PyUnicode_DATA(path)
                params = _convert(leaf, path, &c)
                if params is None:
                    raise NotFound(path)  # a converter refused: Werkzeug's 404
                e.automatic_match = (<object>leaf.endpoint, params)
            raise e
        finally:
            if c.have != NULL:
                Py_DECREF(<object>c.have)
            if c.spans != stack_spans:
                PyMem_Free(c.spans)

    def build(self, endpoint, values=None, method=None):
        """The path of ``endpoint`` with ``values`` (those no rule takes
        become the query string); ``BuildError`` where no rule builds."""
        return self._table.build(endpoint, values, method)

    def is_endpoint_expecting(self, endpoint, *arguments):
        """Whether a rule of ``endpoint`` takes all of ``arguments``
        (Werkzeug's ``Map.is_endpoint_expecting``)."""
        return self._table.is_endpoint_expecting(endpoint, *arguments)

    def iter_rules(self, endpoint=None):
        """The ``Rule`` objects, only ``endpoint``'s where given, as
        Werkzeug's ``Map.iter_rules``."""
        return self._table.iter_rules(endpoint)

    def bind(self, server_name, *args, **kwargs):
        """Werkzeug's ``Map.bind``: a ``MapAdapter`` (``routing.adapter``)."""
        return bind(self, server_name, *args, **kwargs)

    def bind_to_environ(self, environ, server_name=None, subdomain=None):
        """Werkzeug's ``Map.bind_to_environ``: a ``MapAdapter`` for the request."""
        return bind_to_environ(self, environ, server_name, subdomain)

    def __iter__(self):
        return iter(self._table)

    def __len__(self):
        return len(self._table)

    def _dump(self):
        """The tree as plain data, for tests (``tests/invariants.py``)."""
        return _dump(self._root)

    def __repr__(self):
        return f"<CompiledRouter with {len(self._table)} rules>"


ctypedef object (*match_c)(object router, str method, str path, PyObject** values, PyObject** names)


cdef object _match_c(object router, str method, str path, PyObject** values, PyObject** names):
    # router: a CompiledRouter (the caller checks); method and path exact strs
    return (<CompiledRouter>router)._find(method, path, values, names)


#: ``CompiledRouter.match`` as a C function, for the compiled short path
#: (``src/_shortpath.pyx``): ``endpoint = f(router, method, path, &values,
#: &names)`` (``_find``), NULL with the exception set on an error.
#: PERF: a match through the method costs the short path an argument
#: parse, the (endpoint, values) tuple and its unpacking
MATCH_C = PyCapsule_New(<void*>_match_c, "fastdispatch.routing._router.MATCH_C", NULL)


cdef dict _dump(Node node):
    cdef Edge e
    cdef int i
    dynamic = []
    for i in range(node.ndyn):
        e = <Edge>_dyn(node)[i]
        dynamic.append((e.key, e.weight, _dump(e.child)))
    return {
        "prefix": node.prefix,
        "indices": "".join([chr(_idx(node)[i]) for i in range(node.nkids)]),
        "children": [_dump(<Node>node.kids[i]) for i in range(node.nkids)],
        "dynamic": dynamic,
        "rules": list(node.rules or ()),
    }


def _check_kinds():
    from fastdispatch.routing import rules
    assert (rules.K_STRING, rules.K_INT, rules.K_FLOAT, rules.K_UUID, rules.K_ANY, rules.K_PATH, rules.K_REGEX) == (
        K_STRING, K_INT, K_FLOAT, K_UUID, K_ANY, K_PATH, K_REGEX)

_check_kinds()


# what Cython's tp_traverse for Node visits (its object fields); _node_traverse adds its arrays'
cdef traverseproc _node_fields_traverse = (<PyTypeObject*>Node).tp_traverse
(<PyTypeObject*>Node).tp_traverse = <traverseproc>_node_traverse

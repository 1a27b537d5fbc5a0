"""Tree invariants, checked after every insert in the tests (as matchit does).

The compiled router and the reference walk expose ``_dump()``: a plain
nested structure of the tree, the same for both given the same rules
(``test_twins.py`` checks that too).  The pure router holds no tree (it
runs generated code): its rules are checked in the walk's tree.
"""

from .reference_walk import WalkRouter


def check_tree(router):
    if not hasattr(router, "_dump"):
        router = WalkRouter.of(router)
    root = router._dump()
    assert root["prefix"] == "", "the root holds no text"
    _check(root, "")


def _check(node, text):
    text += node["prefix"]
    indices, children = node["indices"], node["children"]
    assert len(indices) == len(children) == len(set(indices)), f"{text!r}: indices {indices!r} do not index the children"
    for ch, child in zip(indices, children):
        assert child["prefix"][:1] == ch, f"{text!r}: index {ch!r} points at {child['prefix']!r}"
    if node["dynamic"]:
        assert text.endswith("/"), f"{text!r}: dynamic parts only start a segment"
    weights = [weight for _, weight, _ in node["dynamic"]]
    assert weights == sorted(weights), f"{text!r}: dynamic parts out of weight order"
    keys = [key for key, _, _ in node["dynamic"]]
    assert len(keys) == len(set(keys)), f"{text!r}: equal dynamic parts not merged"
    for rule in node["rules"]:
        assert rule.rule.endswith(text.rsplit(">", 1)[-1]) or "<" in rule.rule, f"{text!r}: holds {rule!r}"
    for child in children:
        assert child["prefix"], f"{text!r}: empty static child"
        if not (child["rules"] or child["dynamic"]):
            assert len(child["children"]) != 1, f"{text + child['prefix']!r}: a chain that should be one node"
        _check(child, text)
    for key, _, child in node["dynamic"]:
        assert child["prefix"] == "", "the node after a dynamic part starts empty"
        _check(child, text + "<" + key[0] + ">")

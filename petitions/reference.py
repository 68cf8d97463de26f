"""The option lists of the filter forms (categories, regions, departments),
kept in the shared cache: one entry for all three trees, in both languages.
Saving or deleting one of them drops the entry at once, in every process
(PetitionsConfig.ready); it expires after TTL_SECONDS anyway, for changes
no signal sees (a queryset update, SQL by hand)."""

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

CACHE_KEY = "reference-options:v2"  # a new version whenever ReferenceNodes changes shape
TTL_SECONDS = 300


@dataclass(frozen=True)
class Node:
    id: int
    parent_id: int | None
    name: str
    name_en: str
    is_active: bool

    @property
    def display_name(self) -> str:
        # portal.bilingual.BilingualNameModel.display_name, for a cached row.
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


def _nodes(model) -> tuple[Node, ...]:
    rows = model.objects.order_by("code").values_list("id", "parent_id", "name", "name_en", "is_active")
    return tuple(Node(*row) for row in rows)


@dataclass(frozen=True)
class ReferenceNodes:
    category: tuple[Node, ...]
    region: tuple[Node, ...]
    department: tuple[Node, ...]
    # When these were read: a new value after every change, for the keys of
    # what is rendered from them (the filter forms' cached HTML).
    stamp: int


def _load() -> ReferenceNodes:
    from accounts.models import Department
    from petitions.models import Category, Region

    return ReferenceNodes(category=_nodes(Category), region=_nodes(Region), department=_nodes(Department),
                          stamp=time.time_ns())


def reference_nodes() -> ReferenceNodes:
    """Every category, region and department (active or not), by code."""
    nodes = cache.get(CACHE_KEY)
    if nodes is None:
        nodes = _load()
        cache.set(CACHE_KEY, nodes, TTL_SECONDS)
    return nodes


def forget_reference_nodes(**_signal_kwargs) -> None:
    # Now, and again once the change commits: a page that reloaded the
    # entry in between read the rows from before the change.
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


def tree_choices(nodes: tuple[Node, ...]) -> list[tuple[int, str]]:
    """The active nodes as petitions.forms.TreeChoiceField labels them:
    "城市管理 / 噪音" for a child, the name alone at the top."""
    by_id = {node.id: node for node in nodes}
    choices = []
    for node in nodes:
        if not node.is_active:
            continue
        parent = by_id.get(node.parent_id)
        label = f"{parent.display_name} / {node.display_name}" if parent else node.display_name
        choices.append((node.id, label))
    return choices


def flat_choices(nodes: tuple[Node, ...]) -> list[tuple[int, str]]:
    return [(node.id, node.display_name) for node in nodes if node.is_active]


class ReferenceChoices:
    """For a filter form: its option lists, read from the cache only when
    needed (a value to check, the form to draw), at most once per form. A
    request that sends no such filter and draws no form (the API, the open
    data export) does not read them at all."""

    def __init__(self) -> None:
        self._nodes: ReferenceNodes | None = None

    @property
    def nodes(self) -> ReferenceNodes:
        if self._nodes is None:
            self._nodes = reference_nodes()
        return self._nodes

    def tree(self, kind: str, empty_label):
        return lambda: [("", empty_label), *tree_choices(getattr(self.nodes, kind))]

    def flat(self, kind: str, empty_label):
        return lambda: [("", empty_label), *flat_choices(getattr(self.nodes, kind))]


def rendering_key(form) -> str:
    """What a filter form's HTML depends on besides the language: the option
    lists it offers (their ReferenceNodes.stamp) and what was sent in its
    fields, errors following from both. For caching the rendered form
    ({% cache %} in the templates)."""
    sent = []
    if form.is_bound:
        for name in form.fields:
            if name in form.data:
                sent.append((name, form.data.getlist(name) if hasattr(form.data, "getlist") else form.data[name]))
    return f"{form.reference.nodes.stamp}:{sent!r}"
